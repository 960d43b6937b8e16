package dev.rdsiam.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the numbers were measured on: hardware, OS, JVM, and the versions of the contenders. No host names. */
final class Machine {

    private static final List<String> ARTIFACTS = List.of("postgresql", "mysql-connector-j", "HikariCP",
            "aws-advanced-jdbc-wrapper", "rds", "jmh-core");

    private Machine() {
    }

    /** CPU model, cores, memory, OS and JVM in one line. */
    static String describe() {
        String cpu = firstMatch(Path.of("/proc/cpuinfo"), "model name\\s*:\\s*(.+)");
        String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal:\\s*(\\d+) kB");
        StringBuilder b = new StringBuilder();
        b.append(cpu == null ? System.getProperty("os.arch") + " CPU" : cpu.trim());
        b.append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores");
        if (mem != null) {
            b.append(", ").append(Math.round(Long.parseLong(mem) / 1024.0 / 1024.0)).append(" GiB RAM");
        }
        b.append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch"));
        b.append(", ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version"));
        return b.toString();
    }

    /** The 1-, 5- and 15-minute load averages, or "unknown". */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Versions of the drivers, the pool, the AWS wrapper, the SDK and JMH, read from the class path's jar names. */
    static String versions() {
        StringJoiner j = new StringJoiner(", ");
        String[] jars = System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator));
        for (String artifact : ARTIFACTS) {
            Pattern p = Pattern.compile(Pattern.quote(artifact) + "-(\\d[^/]*?)\\.jar$");
            for (String jar : jars) {
                Matcher m = p.matcher(jar.substring(jar.lastIndexOf(File.separatorChar) + 1));
                if (m.find() && m.start() == 0) {
                    j.add((artifact.equals("rds") ? "AWS SDK" : artifact) + " " + m.group(1));
                    break;
                }
            }
        }
        return j.toString();
    }

    private static String firstMatch(Path file, String regex) {
        try {
            Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(file));
            return m.find() ? m.group(1) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
