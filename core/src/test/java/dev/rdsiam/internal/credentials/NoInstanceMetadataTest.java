package dev.rdsiam.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;

/**
 * Tests stay on this machine: a credentials or region lookup that falls through to the EC2 instance metadata
 * endpoint (a link-local address) must never be attempted from a test JVM. The build sets
 * {@code AWS_EC2_METADATA_DISABLED=true} and {@code -Daws.disableEc2Metadata=true} for every Surefire and Failsafe
 * JVM; this test fails when either is missing or the SDK does not read them as disabled.
 *
 * <p>No packet goes anywhere but loopback: the settings are checked first, and the providers are then pointed at a
 * listener on 127.0.0.1 that counts connections, so an SDK that ignored the setting would show up as a connection
 * there rather than as traffic to the real metadata address.
 */
class NoInstanceMetadataTest {

    @Test
    void testJvm_hasInstanceMetadataDisabled_byEnvironmentAndSystemProperty() {
        assertThat(System.getenv("AWS_EC2_METADATA_DISABLED"))
                .as("AWS_EC2_METADATA_DISABLED in the test JVM's environment (Surefire/Failsafe environmentVariables "
                        + "in the root pom, export in .ci/run)")
                .isEqualTo("true");
        assertThat(System.getProperty("aws.disableEc2Metadata"))
                .as("-Daws.disableEc2Metadata in the test JVM (Surefire/Failsafe systemPropertyVariables in the root pom)")
                .isEqualTo("true");
        assertThat(SdkSystemSetting.AWS_EC2_METADATA_DISABLED.getBooleanValueOrThrow())
                .as("the AWS SDK's own reading of " + SdkSystemSetting.AWS_EC2_METADATA_DISABLED)
                .isTrue();
    }

    @Test
    void instanceProfileCredentialsAndRegion_areRefusedWithoutAnyConnection() throws Exception {
        // only run the providers once the settings are known to be in force
        testJvm_hasInstanceMetadataDisabled_byEnvironmentAndSystemProperty();
        String key = SdkSystemSetting.AWS_EC2_METADATA_SERVICE_ENDPOINT.property();
        String before = System.getProperty(key);
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(50);
            Thread counter = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        connections.incrementAndGet();
                        s.close();
                    } catch (SocketTimeoutException e) {
                        // poll again
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "imds-counter");
            counter.setDaemon(true);
            counter.start();
            System.setProperty(key, "http://127.0.0.1:" + listener.getLocalPort());
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.create()) {
                assertThatThrownBy(provider::resolveCredentials)
                        .isInstanceOf(SdkClientException.class)
                        .hasMessageContaining("disabled");
            }
            assertThatThrownBy(() -> new InstanceProfileRegionProvider().getRegion())
                    .isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("disabled");
            Thread.sleep(200); // let a connection that was made be accepted and counted
            assertThat(connections.get()).as("connections to the metadata endpoint").isZero();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
