package dev.rdsiam.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.BeanFactory;

/** The Micrometer side of the auto-configuration, loaded only when Micrometer is on the class path. */
final class MicrometerSupport {

    private MicrometerSupport() {
    }

    /** The application's {@code MeterRegistry} (Boot's composite when Actuator is present), or null. */
    static Object registry(BeanFactory beanFactory) {
        return beanFactory.getBeanProvider(MeterRegistry.class).getIfUnique();
    }
}
