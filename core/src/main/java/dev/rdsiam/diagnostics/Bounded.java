package dev.rdsiam.diagnostics;

import dev.rdsiam.TokenUnavailableException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** Bounded waits and safe failure texts shared by the probes. */
final class Bounded {

    private Bounded() {
    }

    /** Runs {@code task} on a daemon thread and waits at most {@code bound} (a hung call cannot hold a probe). */
    static <T> T run(Callable<T> task, Duration bound, String name) throws TimeoutException, ExecutionException {
        FutureTask<T> future = new FutureTask<>(task);
        Thread t = new Thread(future, "rdsiam-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutionException("interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        }
    }

    /** The message of an SDK or other failure, which never carries a secret. */
    static String safeMessage(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        String m = t.getMessage();
        boolean explained = t instanceof SdkException || t instanceof TokenUnavailableException;
        return (explained ? "" : t.getClass().getSimpleName() + ": ") + (m == null ? "" : m);
    }
}
