package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RdsEndpointTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
        // host, type, region, partition, dns suffix, resource name, fips
        "mydb.c0ffee000000.us-east-1.rds.amazonaws.com, INSTANCE, us-east-1, aws, rds.amazonaws.com, mydb, false",
        "MyDB.C0FFEE000000.US-EAST-1.RDS.AMAZONAWS.COM., INSTANCE, us-east-1, aws, rds.amazonaws.com, mydb, false",
        "db-1.abcdefghijkl.eu-central-2.rds.amazonaws.com, INSTANCE, eu-central-2, aws, rds.amazonaws.com, db-1, false",
        "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com, CLUSTER_WRITER, eu-west-1, aws, rds.amazonaws.com, orders, false",
        "orders.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com, CLUSTER_READER, eu-west-1, aws, rds.amazonaws.com, orders, false",
        "reports.cluster-custom-c9akciq32.ap-south-1.rds.amazonaws.com, CLUSTER_CUSTOM, ap-south-1, aws, rds.amazonaws.com, reports, false",
        "lim.shardgrp-c9akciq32.us-east-2.rds.amazonaws.com, SHARD_GROUP, us-east-2, aws, rds.amazonaws.com, lim, false",
        "app.proxy-c9akciq32.us-west-2.rds.amazonaws.com, PROXY, us-west-2, aws, rds.amazonaws.com, app, false",
        "ro.endpoint.proxy-c9akciq32.us-west-2.rds.amazonaws.com, PROXY_ENDPOINT, us-west-2, aws, rds.amazonaws.com, ro, false",
        "cross-vpc.endpoint.proxy-c9akciq32.sa-east-1.rds.amazonaws.com, PROXY_ENDPOINT, sa-east-1, aws, rds.amazonaws.com, cross-vpc, false",
        "gdb.global-abcdefgh.global.rds.amazonaws.com, GLOBAL_WRITER, -, aws, rds.amazonaws.com, gdb, false",
        "mydb.c0ffee000000.us-gov-west-1.rds.amazonaws.com, INSTANCE, us-gov-west-1, aws-us-gov, rds.amazonaws.com, mydb, false",
        "mydb.cluster-c0ffee000000.us-gov-east-1.rds.amazonaws.com, CLUSTER_WRITER, us-gov-east-1, aws-us-gov, rds.amazonaws.com, mydb, false",
        "mydb.c0ffee000000.us-gov-west-1.rds-fips.amazonaws.com, INSTANCE, us-gov-west-1, aws-us-gov, rds-fips.amazonaws.com, mydb, true",
        "mydb.c0ffee000000.us-east-1.rds-fips.amazonaws.com, INSTANCE, us-east-1, aws, rds-fips.amazonaws.com, mydb, true",
        "mydb.c0ffee000000.rds.cn-north-1.amazonaws.com.cn, INSTANCE, cn-north-1, aws-cn, rds.cn-north-1.amazonaws.com.cn, mydb, false",
        "mydb.cluster-c0ffee000000.rds.cn-northwest-1.amazonaws.com.cn, CLUSTER_WRITER, cn-northwest-1, aws-cn, rds.cn-northwest-1.amazonaws.com.cn, mydb, false",
        "mydb.cluster-ro-c0ffee000000.rds.cn-north-1.amazonaws.com.cn, CLUSTER_READER, cn-north-1, aws-cn, rds.cn-north-1.amazonaws.com.cn, mydb, false",
        "app.proxy-c0ffee000000.rds.cn-north-1.amazonaws.com.cn, PROXY, cn-north-1, aws-cn, rds.cn-north-1.amazonaws.com.cn, app, false",
        "mydb.c0ffee000000.cn-north-1.rds.amazonaws.com.cn, INSTANCE, cn-north-1, aws-cn, rds.amazonaws.com.cn, mydb, false",
        "mydb.cluster-c0ffee000000.cn-northwest-1.rds.amazonaws.com.cn, CLUSTER_WRITER, cn-northwest-1, aws-cn, rds.amazonaws.com.cn, mydb, false",
        "mydb.c0ffee000000.us-iso-east-1.rds.c2s.ic.gov, INSTANCE, us-iso-east-1, aws-iso, rds.c2s.ic.gov, mydb, false",
        "mydb.cluster-c0ffee000000.us-isob-east-1.rds.sc2s.sgov.gov, CLUSTER_WRITER, us-isob-east-1, aws-iso-b, rds.sc2s.sgov.gov, mydb, false",
        "mydb.c0ffee000000.eusc-de-east-1.rds.amazonaws.eu, INSTANCE, eusc-de-east-1, aws-eusc, rds.amazonaws.eu, mydb, false",
        "mydb.c0ffee000000.ap-southeast-6.rds.amazonaws.com, INSTANCE, ap-southeast-6, aws, rds.amazonaws.com, mydb, false",
        "a.b.c.c0ffee000000.il-central-1.rds.amazonaws.com, INSTANCE, il-central-1, aws, rds.amazonaws.com, a.b.c, false",
        "localrds.c0ffee000000.us-east-1.rds.amazonaws.com, INSTANCE, us-east-1, aws, rds.amazonaws.com, localrds, false",
        "localrds.proxy-c0ffee000000.us-east-1.rds.amazonaws.com, PROXY, us-east-1, aws, rds.amazonaws.com, localrds, false",
        "db.internal.example.com, OTHER, -, -, -, -, false",
        "127.0.0.1, OTHER, -, -, -, -, false",
        "localhost, OTHER, -, -, -, -, false",
        "db.c0ffee000000.us-east-1.rds.amazonaws.com.evil.example, OTHER, -, -, -, -, false",
        "c0ffee000000.us-east-1.rds.amazonaws.com, OTHER, -, -, -, -, false",
        "mydb.c0ffee-000.us-east-1.rds.amazonaws.com, OTHER, -, -, -, -, false",
        "mydb.global-abc.us-east-1.rds.amazonaws.com, OTHER, -, -, -, -, false",
        "mydb.c0ffee000000.notaregion.rds.amazonaws.com, OTHER, -, -, -, -, false",
        "mydb.c0ffee000000.us-east-1.rds.amazonaws.net, OTHER, -, -, -, -, false",
    })
    void parse_readsTypeRegionAndPartition(String host, EndpointType type, String region, String partition,
            String suffix, String name, boolean fips) {
        RdsEndpoint ep = RdsEndpoint.parse(host);

        assertThat(ep.type()).isEqualTo(type);
        assertThat(ep.region().orElse(null)).isEqualTo(region);
        assertThat(ep.partition().orElse(null)).isEqualTo(partition);
        assertThat(ep.dnsSuffix().orElse(null)).isEqualTo(suffix);
        assertThat(ep.resourceName().orElse(null)).isEqualTo(name);
        assertThat(ep.isFips()).isEqualTo(fips);
        assertThat(ep.isRds()).isEqualTo(type != EndpointType.OTHER);
    }

    @Test
    void proxyTypes_areProxies_andOthersAreNot() {
        assertThat(RdsEndpoint.parse("a.proxy-x.us-east-1.rds.amazonaws.com").type().isProxy()).isTrue();
        assertThat(RdsEndpoint.parse("a.endpoint.proxy-x.us-east-1.rds.amazonaws.com").type().isProxy()).isTrue();
        assertThat(RdsEndpoint.parse("a.cluster-x.us-east-1.rds.amazonaws.com").type().isProxy()).isFalse();
        assertThat(RdsEndpoint.parse("a.cluster-x.us-east-1.rds.amazonaws.com").type().isCluster()).isTrue();
        assertThat(RdsEndpoint.parse("a.x.us-east-1.rds.amazonaws.com").type().isCluster()).isFalse();
    }

    @Test
    void host_isNormalised_lowerCaseWithoutTrailingDot() {
        assertThat(RdsEndpoint.parse(" MyDB.C0FFEE.us-east-1.rds.amazonaws.com. ").host())
                .isEqualTo("mydb.c0ffee.us-east-1.rds.amazonaws.com");
    }

    @Test
    void blankHost_isRefused() {
        assertThatThrownBy(() -> RdsEndpoint.parse(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rdsiam.host is required");
    }
}
