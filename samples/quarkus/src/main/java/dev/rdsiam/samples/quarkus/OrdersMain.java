package dev.rdsiam.samples.quarkus;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.jboss.logging.Logger;

/**
 * A Quarkus application that reaches RDS/Aurora PostgreSQL with IAM auth by configuration alone: see
 * {@code application.properties} ({@code quarkus.datasource.jdbc.url=jdbc:rdsiam:postgresql://...}, the driver
 * class, a user, no password). It reports who it is logged in as and how many orders there are, then exits.
 *
 * <pre>
 * RDSIAM_HOST=orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com RDSIAM_DATABASE=orders RDSIAM_USER=app \
 *   java -jar target/quarkus-app/quarkus-run.jar
 * </pre>
 */
@QuarkusMain
public class OrdersMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(OrdersMain.class);

    private final OrderRepository orders;

    /**
     * @param orders the repository
     */
    public OrdersMain(OrderRepository orders) {
        this.orders = orders;
    }

    /**
     * Starts the application.
     *
     * @param args the command line
     */
    public static void main(String... args) {
        Quarkus.run(OrdersMain.class, args);
    }

    @Override
    public int run(String... args) throws Exception {
        LOG.infof("logged in as %s with an IAM token (no password configured); %d orders", orders.currentUser(),
                orders.count());
        return 0;
    }
}
