package dev.rdsiam;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Amazon RDS host name, read: endpoint type, region, DNS suffix and partition.
 *
 * <pre>{@code
 * RdsEndpoint ep = RdsEndpoint.parse("orders.cluster-ro-c0ffee.eu-west-1.rds.amazonaws.com");
 * ep.type();     // CLUSTER_READER
 * ep.region();   // Optional[eu-west-1]
 * }</pre>
 *
 * <p>Recognised forms: commercial ({@code rds.amazonaws.com}), FIPS ({@code rds-fips}), GovCloud, the ISO
 * partitions ({@code c2s.ic.gov}, {@code sc2s.sgov.gov}), the {@code amazonaws.eu/.au/.uk} suffixes, China in both
 * the current ({@code ID.rds.cn-north-1.amazonaws.com.cn}) and the older ({@code ID.cn-north-1.rds.amazonaws.com.cn})
 * form, and Aurora Global writer endpoints (which carry no region). Anything else is {@link EndpointType#OTHER}: a
 * custom DNS name, an IP address, a tunnel; the region must then be configured.
 */
public final class RdsEndpoint {

    private static final String PREFIXES = "(?<prefix>proxy-|cluster-ro-|cluster-custom-|cluster-|shardgrp-)?";

    /** {@code NAME.[prefix]ID.REGION.(rds|rds-fips).SUFFIX}. */
    private static final Pattern REGIONAL = Pattern.compile("^(?<name>.+)\\." + PREFIXES
            + "(?<id>[a-z0-9]+)\\.(?<region>[a-z0-9-]+)\\.(?<svc>rds|rds-fips)\\."
            + "(?<suffix>amazonaws\\.com|amazonaws\\.eu|amazonaws\\.au|amazonaws\\.uk|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov)$");

    /** China, current form: {@code NAME.[prefix]ID.(rds|rds-fips).REGION.amazonaws.com.cn}. */
    private static final Pattern CHINA = Pattern.compile("^(?<name>.+)\\." + PREFIXES
            + "(?<id>[a-z0-9]+)\\.(?<svc>rds|rds-fips)\\.(?<region>cn-[a-z0-9-]+)\\.(?<suffix>amazonaws\\.com\\.cn)$");

    /** China, older form: {@code NAME.[prefix]ID.REGION.rds.amazonaws.com.cn}. */
    private static final Pattern CHINA_OLD = Pattern.compile("^(?<name>.+)\\." + PREFIXES
            + "(?<id>[a-z0-9]+)\\.(?<region>cn-[a-z0-9-]+)\\.(?<svc>rds)\\.(?<suffix>amazonaws\\.com\\.cn)$");

    /** Aurora Global Database writer: {@code NAME.global-ID.global.rds.amazonaws.com}. */
    private static final Pattern GLOBAL = Pattern.compile(
            "^(?<name>.+)\\.global-(?<id>[a-z0-9]+)\\.global\\.rds\\.(?<suffix>amazonaws\\.com)$");

    private static final Pattern REGION_SHAPE = Pattern.compile("^[a-z]{2,4}(-[a-z]+)+-[0-9]+$");

    private final String host;
    private final EndpointType type;
    private final String region;
    private final String dnsSuffix;
    private final String partition;
    private final String resourceName;
    private final boolean fips;

    private RdsEndpoint(String host, EndpointType type, String region, String dnsSuffix, String partition,
            String resourceName, boolean fips) {
        this.host = host;
        this.type = type;
        this.region = region;
        this.dnsSuffix = dnsSuffix;
        this.partition = partition;
        this.resourceName = resourceName;
        this.fips = fips;
    }

    /**
     * Reads a host name. Never fails for a syntactically plausible name: what it cannot classify is
     * {@link EndpointType#OTHER}.
     *
     * @param host a host name without scheme or port; case and a trailing dot are ignored
     * @throws IllegalArgumentException if {@code host} is null or blank
     */
    public static RdsEndpoint parse(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("rdsiam.host is required: set it to the RDS endpoint name");
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        Matcher m = GLOBAL.matcher(h);
        if (m.matches()) {
            return new RdsEndpoint(h, EndpointType.GLOBAL_WRITER, null, "rds." + m.group("suffix"), "aws",
                    m.group("name"), false);
        }
        for (Pattern p : new Pattern[] {REGIONAL, CHINA, CHINA_OLD}) {
            m = p.matcher(h);
            if (m.matches() && REGION_SHAPE.matcher(m.group("region")).matches()) {
                return regional(h, m);
            }
        }
        return new RdsEndpoint(h, EndpointType.OTHER, null, null, null, null, false);
    }

    private static RdsEndpoint regional(String h, Matcher m) {
        String name = m.group("name");
        String prefix = m.group("prefix");
        String region = m.group("region");
        EndpointType type;
        if (prefix == null) {
            type = EndpointType.INSTANCE;
        } else {
            switch (prefix) {
                case "proxy-":
                    if (name.endsWith(".endpoint")) {
                        type = EndpointType.PROXY_ENDPOINT;
                        name = name.substring(0, name.length() - ".endpoint".length());
                    } else {
                        type = EndpointType.PROXY;
                    }
                    break;
                case "cluster-":
                    type = EndpointType.CLUSTER_WRITER;
                    break;
                case "cluster-ro-":
                    type = EndpointType.CLUSTER_READER;
                    break;
                case "cluster-custom-":
                    type = EndpointType.CLUSTER_CUSTOM;
                    break;
                default:
                    type = EndpointType.SHARD_GROUP;
                    break;
            }
        }
        String suffix = m.group("suffix");
        String svc = m.group("svc");
        int suffixStart = h.length() - suffix.length();
        String dnsSuffix = h.substring(h.lastIndexOf(svc + ".", suffixStart));
        return new RdsEndpoint(h, type, region, dnsSuffix, partitionOf(region, suffix), name, "rds-fips".equals(svc));
    }

    private static String partitionOf(String region, String suffix) {
        if (suffix.endsWith(".cn") || region.startsWith("cn-")) {
            return "aws-cn";
        }
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (suffix.equals("c2s.ic.gov")) {
            return "aws-iso";
        }
        if (suffix.equals("sc2s.sgov.gov")) {
            return "aws-iso-b";
        }
        if (region.startsWith("eusc-")) {
            return "aws-eusc";
        }
        return "aws";
    }

    /** Whether {@code region} has the shape of an AWS region name, such as {@code us-east-1} or {@code us-gov-west-1}. */
    public static boolean isRegionName(String region) {
        return region != null && REGION_SHAPE.matcher(region).matches();
    }

    /** The host name, lower case, without a trailing dot. */
    public String host() {
        return host;
    }

    /** The endpoint type. */
    public EndpointType type() {
        return type;
    }

    /** The region in the name; empty for {@link EndpointType#OTHER} and {@link EndpointType#GLOBAL_WRITER}. */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /** The DNS suffix from the service label on, e.g. {@code rds.amazonaws.com}; empty for {@code OTHER}. */
    public Optional<String> dnsSuffix() {
        return Optional.ofNullable(dnsSuffix);
    }

    /** The AWS partition, e.g. {@code aws}, {@code aws-cn}, {@code aws-us-gov}; empty for {@code OTHER}. */
    public Optional<String> partition() {
        return Optional.ofNullable(partition);
    }

    /**
     * The user-chosen resource name at the front of the host (instance, cluster, proxy or proxy endpoint
     * identifier); empty for {@code OTHER}.
     */
    public Optional<String> resourceName() {
        return Optional.ofNullable(resourceName);
    }

    /** Whether the name uses the FIPS service label {@code rds-fips}. */
    public boolean isFips() {
        return fips;
    }

    /** Whether this is an Amazon RDS name of any recognised kind. */
    public boolean isRds() {
        return type != EndpointType.OTHER;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RdsEndpoint && ((RdsEndpoint) o).host.equals(host);
    }

    @Override
    public int hashCode() {
        return host.hashCode();
    }

    @Override
    public String toString() {
        return "RdsEndpoint[" + host + ", " + type + (region == null ? "" : ", " + region) + "]";
    }
}
