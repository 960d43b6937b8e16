package dev.rdsiam.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** HandshakeResponse41 parsing: fixed cases, among them what the property-based {@code WireFuzzTest} found. */
class HandshakeResponseTest {

    private static final int CAPS = MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_PLUGIN_AUTH
            | MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | MySqlWire.CLIENT_CONNECT_WITH_DB;

    private static MySqlWire.Builder head(int caps) {
        return new MySqlWire.Builder().int4(caps).int4(0x1000000).int1(45).zeros(23).cstring("iam_user");
    }

    @Test
    void wellFormed_isRead() {
        byte[] token = "host:3306/?Action=connect".getBytes(StandardCharsets.UTF_8);
        MySqlGateway.HandshakeResponse r = MySqlGateway.HandshakeResponse.parse(head(CAPS).lenenc(token.length)
                .raw(token).cstring("shop").cstring("mysql_clear_password").bytes());
        assertThat(r.user).isEqualTo("iam_user");
        assertThat(r.authData).isEqualTo(token);
        assertThat(r.database).isEqualTo("shop");
        assertThat(r.plugin).isEqualTo("mysql_clear_password");
    }

    /** A 40-byte packet declaring 2 GiB of auth data made the gateway allocate it (OutOfMemoryError). */
    @Test
    void authDataLongerThanThePacket_isMalformed_notAnAllocation() {
        byte[] payload = head(-1).lenenc(0x7ffffffeL).int4(0).bytes();
        assertThatThrownBy(() -> MySqlGateway.HandshakeResponse.parse(payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("truncated packet");
    }

    @Test
    void negativeAuthDataLength_isMalformed() {
        byte[] payload = head(CAPS).lenenc(0xffffffffL).bytes();
        assertThatThrownBy(() -> MySqlGateway.HandshakeResponse.parse(payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("truncated packet");
    }
}
