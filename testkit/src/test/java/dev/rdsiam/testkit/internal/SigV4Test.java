package dev.rdsiam.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SigV4Test {

    @Test
    void uriEncode_keepsUnreservedCharacters_andEncodesTheRestUpperCase() {
        assertThat(SigV4.uriEncode("AZaz09-_.~")).isEqualTo("AZaz09-_.~");
        assertThat(SigV4.uriEncode("a b/c+d=e&f%")).isEqualTo("a%20b%2Fc%2Bd%3De%26f%25");
        assertThat(SigV4.uriEncode("\u00e9")).isEqualTo("%C3%A9");
    }

    @Test
    void percentDecode_isTheInverse_andLeavesPlusAlone() {
        assertThat(SigV4.percentDecode("a%20b%2Fc+d%C3%A9")).isEqualTo("a b/c+d\u00e9");
        assertThatThrownBy(() -> SigV4.percentDecode("%G1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigV4.percentDecode("abc%2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sha256Hex_ofEmptyInput_isTheWellKnownValue() {
        assertThat(SigV4.sha256Hex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void constantTimeEquals_handlesNull() {
        assertThat(SigV4.constantTimeEquals("a", "a")).isTrue();
        assertThat(SigV4.constantTimeEquals("a", null)).isFalse();
        assertThat(SigV4.constantTimeEquals("a", "b")).isFalse();
    }
}
