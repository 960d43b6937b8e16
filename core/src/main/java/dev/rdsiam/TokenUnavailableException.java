package dev.rdsiam;

/**
 * No token could be produced: AWS credentials could not be resolved (no credentials in the chain, an expired SSO
 * session, STS refusing AssumeRole, ...) or signing failed. The message says where the credentials were looked for;
 * it never contains a secret.
 */
public class TokenUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to check
     * @param cause the underlying failure
     */
    public TokenUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
