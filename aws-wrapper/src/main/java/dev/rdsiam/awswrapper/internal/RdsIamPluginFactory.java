package dev.rdsiam.awswrapper.internal;

import java.util.Properties;
import software.amazon.jdbc.ConnectionPlugin;
import software.amazon.jdbc.ConnectionPluginFactory;
import software.amazon.jdbc.util.FullServicesContainer;

/**
 * Creates this library's plugin for each plugin chain the wrapper builds (one per logical connection, one per
 * monitor). The wrapper instantiates factories by class from the configuration profile, so the DataSource's front is
 * found by the profile's name, which every chain's properties carry ({@code wrapperProfileName}).
 */
public final class RdsIamPluginFactory implements ConnectionPluginFactory {

    /** Called by the wrapper (it needs a public no-argument constructor). */
    public RdsIamPluginFactory() {
    }

    @Override
    public ConnectionPlugin getInstance(FullServicesContainer services, Properties props) {
        String profile = props == null ? null : props.getProperty(WrapperFront.PROFILE_PROPERTY);
        WrapperFront front = WrapperFront.forProfile(profile);
        if (front == null) {
            throw new IllegalStateException("the rds-iam-jdbc wrapper plugin belongs to an rds-iam-jdbc DataSource "
                    + "with rdsiam.wrapperPlugins; profile " + (profile == null ? "(none)" : "'" + profile + "'")
                    + " has no open DataSource (closed already?)");
        }
        return new RdsIamPlugin(services, front);
    }
}
