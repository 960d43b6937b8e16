package dev.rdsiam.spring;

/**
 * A configuration mistake found at start-up ({@code rdsiam.*} or {@code spring.datasource.*}): the message names the
 * key as written, where it was set and the fix; it never carries a secret. Spring Boot shows it as an "APPLICATION
 * FAILED TO START" report instead of a stack trace.
 *
 * <pre>
 * Description: unknown property 'rdsiam.conectHost' (set in class path resource [application.properties] - 3:1):
 *              did you mean 'rdsiam.connectHost'?
 * </pre>
 */
public final class InvalidRdsIamConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    InvalidRdsIamConfigurationException(String message, Throwable from) {
        super(message);
        if (from != null) {
            setStackTrace(from.getStackTrace());
        }
    }
}
