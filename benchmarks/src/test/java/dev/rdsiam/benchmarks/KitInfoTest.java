package dev.rdsiam.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KitInfoTest {

    @TempDir
    Path dir;

    @Test
    void coordinates_travelThroughAnOwnerOnlyFile_andToStringHidesTheSecret() throws Exception {
        KitInfo.Target gw = new KitInfo.Target("localhost", 40001, dir.resolve("ca.pem"), dir.resolve("t.pem"),
                dir.resolve("t.p12"), "pw");
        KitInfo.Target direct = new KitInfo.Target("localhost", 40002, dir.resolve("b.pem"), dir.resolve("bt.pem"),
                dir.resolve("bt.p12"), "pw2");
        KitInfo pg = new KitInfo(Engine.POSTGRESQL, "db.c0ffee000000.us-east-1.rds.amazonaws.com", 5432, "us-east-1",
                "appdb", "iam_user", "AKIAEXAMPLE", "secret-value", gw, direct);
        Path file = dir.resolve("kit.properties");

        KitInfo.write(List.of(pg), file);
        String previous = System.getProperty(KitInfo.FILE_PROPERTY);
        System.setProperty(KitInfo.FILE_PROPERTY, file.toString());
        try {
            assertThat(KitInfo.load(Engine.POSTGRESQL)).isEqualTo(pg);
            assertThatThrownBy(() -> KitInfo.load(Engine.MYSQL)).hasMessageContaining("mysql.identityHost");
        } finally {
            if (previous == null) {
                System.clearProperty(KitInfo.FILE_PROPERTY);
            } else {
                System.setProperty(KitInfo.FILE_PROPERTY, previous);
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(pg.toString()).doesNotContain("secret-value").contains("****");
    }
}
