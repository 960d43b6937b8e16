package dev.rdsiam.awswrapper.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.jdbc.ConnectionPluginFactory;

/**
 * The AWS Advanced JDBC Wrapper's plugin codes (4.3), their factory classes and their place in the chain (the
 * wrapper's weights: a lower weight is further out). A configuration profile names factory classes, not codes, so
 * the codes of {@code rdsiam.wrapperPlugins} are turned into classes here.
 */
final class PluginCodes {

    private static final String P = "software.amazon.jdbc.plugin.";

    private record Entry(String factory, int weight) {
    }

    private static final Map<String, Entry> CODES = new LinkedHashMap<>();

    static {
        add("driverMetaData", "DriverMetaDataConnectionPluginFactory", 100);
        add("bg", "bluegreen.BlueGreenConnectionPluginFactory", 200);
        add("dataCache", "cache.DataLocalCacheConnectionPluginFactory", 300);
        add("remoteQueryCache", "cache.RemoteQueryCachePluginFactory", 350);
        add("customEndpoint", "customendpoint.CustomEndpointPluginFactory", 400);
        add("initialConnection", "AuroraInitialConnectionStrategyPluginFactory", 500);
        add("auroraConnectionTracker", "AuroraConnectionTrackerPluginFactory", 600);
        add("auroraStaleDns", "staledns.AuroraStaleDnsPluginFactory", 700);
        add("failover", "failover.FailoverConnectionPluginFactory", 800);
        add("failover2", "failover2.FailoverConnectionPluginFactory", 900);
        add("gdbFailover", "gdbfailover.GlobalDbFailoverConnectionPluginFactory", 1000);
        add("sqlParser", "sqlparser.SqlParserConnectionPluginFactory", 1050);
        add("readWriteSplitting", "readwritesplitting.ReadWriteSplittingPluginFactory", 1100);
        add("autoReadWriteSplitting", "readwritesplitting.AutoReadWriteSplittingPluginFactory", 1150);
        add("srw", "srw.SimpleReadWriteSplittingPluginFactory", 1200);
        add("gdbReadWriteSplitting", "readwritesplitting.GdbReadWriteSplittingPluginFactory", 1300);
        add("efm", "efm.v1.HostMonitoringConnectionPluginV1Factory", 1400);
        add("efm2", "efm.v2.HostMonitoringConnectionPluginV2Factory", 1500);
        add("fastestResponseStrategy", "strategy.fastestresponse.FastestResponseStrategyPluginFactory", 1600);
        add("limitless", "limitless.LimitlessConnectionPluginFactory", 1700);
        // 1800: the wrapper's iam plugin, whose place this library's plugin takes (innermost of the above)
        add("kmsEncryption", "encryption.KmsEncryptionConnectionPluginFactory", 2050);
        add("logQuery", "LogQueryConnectionPluginFactory", 2100);
        // placed by the wrapper next to the plugin before them: kept where they were listed
        add("connectTime", "ConnectTimeConnectionPluginFactory", -1);
        add("executionTime", "ExecutionTimeConnectionPluginFactory", -1);
        add("dev", "dev.DeveloperConnectionPluginFactory", -1);
    }

    private PluginCodes() {
    }

    private static void add(String code, String factory, int weight) {
        CODES.put(code, new Entry(P + factory, weight));
    }

    /**
     * The factory classes of {@code codes} in the wrapper's chain order, then {@code own} right inside the plugins
     * that open connections (where the wrapper's {@code iam} plugin would sit), so that every connection they open,
     * the monitors' included, goes through it.
     *
     * @throws IllegalArgumentException for a code this table does not know (naming the known ones)
     * @throws IllegalStateException when the wrapper on the class path lacks a plugin's class
     */
    static List<Class<? extends ConnectionPluginFactory>> chain(List<String> codes,
            Class<? extends ConnectionPluginFactory> own) {
        List<String> sorted = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        int previous = 0;
        for (String code : codes) {
            Entry e = CODES.get(code);
            if (e == null) {
                throw new IllegalArgumentException("rdsiam.wrapperPlugins lists '" + code + "', which this version "
                        + "of rdsiam-aws-wrapper cannot place: use some of " + String.join(", ", CODES.keySet()));
            }
            previous = e.weight() < 0 ? previous + 1 : e.weight();
            sorted.add(code);
            weights.add(previous);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(weights::get));
        List<Class<? extends ConnectionPluginFactory>> chain = new ArrayList<>();
        boolean ownPlaced = false;
        for (int i : order) {
            if (!ownPlaced && weights.get(i) > 1800) {
                chain.add(own);
                ownPlaced = true;
            }
            chain.add(load(sorted.get(i)));
        }
        if (!ownPlaced) {
            chain.add(own);
        }
        return chain;
    }

    private static Class<? extends ConnectionPluginFactory> load(String code) {
        String name = CODES.get(code).factory();
        try {
            return Class.forName(name, false, PluginCodes.class.getClassLoader())
                    .asSubclass(ConnectionPluginFactory.class);
        } catch (ClassNotFoundException | LinkageError | ClassCastException e) {
            throw new IllegalStateException("rdsiam.wrapperPlugins lists '" + code + "', but the AWS Advanced JDBC "
                    + "Wrapper on the class path has no " + name + ": use the wrapper version rdsiam-aws-wrapper "
                    + "depends on (4.3.0)", e);
        }
    }
}
