package dev.rdsiam.samples.spark;

import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the job connects: a {@code jdbc:rdsiam:} URL and the {@code rdsiam.*} connection properties, no password.
 *
 * @param url the {@code jdbc:rdsiam:<engine>://host:port/db} URL
 * @param properties {@code user} and {@code rdsiam.*} keys
 */
record Endpoint(String url, Map<String, String> properties) {

    /** From {@code RDSIAM_*} variables: host, port and database go in the URL, every other key is a property. */
    static Endpoint fromEnvironment(String engine, Map<String, String> env) {
        String host = env.get(RdsIamProperty.HOST.environmentVariable());
        String port = env.getOrDefault(RdsIamProperty.PORT.environmentVariable(),
                engine.equals("mysql") ? "3306" : "5432");
        String db = env.get(RdsIamProperty.DATABASE.environmentVariable());
        if (db == null) {
            throw new IllegalArgumentException(RdsIamProperty.DATABASE.environmentVariable() + " is required: set it "
                    + "to the database the table is in");
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (RdsIamProperty p : RdsIamProperty.values()) {
            String v = env.get(p.environmentVariable());
            if (v != null && p != RdsIamProperty.HOST && p != RdsIamProperty.PORT && p != RdsIamProperty.DATABASE
                    && p != RdsIamProperty.ENGINE) {
                props.put(p.prefixedKey(), v);
            }
        }
        return new Endpoint("jdbc:rdsiam:" + engine + "://" + host + ":" + port + "/" + db, props);
    }

    /** LocalRds as a real endpoint would be given: identity host plus route, the kit's CA and keys. */
    static Endpoint of(LocalRds rds) {
        String engine = rds.engine() == Engine.MYSQL ? "mysql" : "postgresql";
        Map<String, String> props = new LinkedHashMap<>();
        props.put("user", rds.dbUser());
        props.put("rdsiam.connectHost", rds.route().host());
        props.put("rdsiam.connectPort", String.valueOf(rds.route().port()));
        props.put("rdsiam.trust", "pem");
        props.put("rdsiam.trustPem", rds.caPemFile().toString());
        props.put("rdsiam.accessKeyId", rds.credentials().accessKeyId());
        props.put("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        return new Endpoint("jdbc:rdsiam:" + engine + "://" + rds.identityHost() + ":" + rds.identityPort() + "/"
                + rds.database(), props);
    }

    /** Spark's options: url, driver and the connection properties. */
    Map<String, String> sparkOptions() {
        Map<String, String> m = new LinkedHashMap<>(properties);
        m.put("url", url);
        m.put("driver", SparkJob.DRIVER);
        return m;
    }

    /** For {@code df.write().jdbc(url, table, props)}: the properties plus Spark's {@code driver} option. */
    Properties connectionProperties() {
        Properties p = connectionPropertiesForDriver();
        p.setProperty("driver", SparkJob.DRIVER);
        return p;
    }

    /** The properties as Spark hands them to the driver. */
    Properties connectionPropertiesForDriver() {
        Properties p = new Properties();
        properties.forEach(p::setProperty);
        return p;
    }

    /** The URL only: the properties may hold static keys. */
    @Override
    public String toString() {
        return url;
    }
}
