package dev.rdsiam.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link InvalidRdsIamConfigurationException} as Boot's start-up failure report: what is wrong, and the fix. */
final class RdsIamFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRdsIamConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRdsIamConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(), "Correct the setting named above (an IDE completes every "
                + "rdsiam.* key with its description and allowed values), or remove it.", cause);
    }
}
