package dev.rdsiam;

/**
 * What kind of Amazon RDS endpoint a host name is, as read by {@link RdsEndpoint#parse(String)}.
 *
 * <pre>{@code
 * RdsEndpoint ep = RdsEndpoint.parse("app.proxy-c0ffee.us-east-1.rds.amazonaws.com");
 * if (ep.type().isProxy()) { ... }   // RDS Proxy endpoints present ACM certificates
 * }</pre>
 */
public enum EndpointType {
    /** A DB instance endpoint: {@code NAME.ID.REGION.rds.amazonaws.com}. */
    INSTANCE,
    /** An Aurora cluster (writer) endpoint: {@code NAME.cluster-ID.REGION...}. */
    CLUSTER_WRITER,
    /** An Aurora cluster reader endpoint: {@code NAME.cluster-ro-ID.REGION...}. */
    CLUSTER_READER,
    /** An Aurora custom cluster endpoint: {@code NAME.cluster-custom-ID.REGION...}. */
    CLUSTER_CUSTOM,
    /** An Aurora Limitless shard group endpoint: {@code NAME.shardgrp-ID.REGION...}. */
    SHARD_GROUP,
    /** The default endpoint of an RDS Proxy: {@code NAME.proxy-ID.REGION...}. */
    PROXY,
    /** A custom (for example cross-VPC or read-only) RDS Proxy endpoint: {@code NAME.endpoint.proxy-ID.REGION...}. */
    PROXY_ENDPOINT,
    /** An Aurora Global Database writer endpoint: {@code NAME.global-ID.global.rds.amazonaws.com} (no region). */
    GLOBAL_WRITER,
    /** Any other name (custom DNS, IP address, a local server): the region must be configured. */
    OTHER;

    /** Whether this is an RDS Proxy endpoint (default or custom), which presents an ACM certificate. */
    public boolean isProxy() {
        return this == PROXY || this == PROXY_ENDPOINT;
    }

    /** Whether this is an Aurora cluster-level endpoint. */
    public boolean isCluster() {
        return this == CLUSTER_WRITER || this == CLUSTER_READER || this == CLUSTER_CUSTOM || this == SHARD_GROUP
                || this == GLOBAL_WRITER;
    }
}
