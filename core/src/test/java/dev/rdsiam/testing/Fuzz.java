package dev.rdsiam.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Shared parts of the property-based {@code *FuzzTest} classes: the tries and seed every property uses, a call
 * bounded in time (a hang fails the try instead of the build), and generators of values that look like secrets.
 */
public final class Fuzz {

    /** Tries per property: a few seconds per class on a shared 2-core machine. */
    public static final int TRIES = 1000;

    /** The seed of every property: a failure reproduces on every machine. */
    public static final String SEED = "20261201";

    /** The longest a parser may take for one input before it counts as a hang. */
    public static final long TIMEOUT_SECONDS = 5;

    /** The shortest piece of a secret that counts as echoed (a masked form shows at most 4 characters). */
    public static final int ECHO_WINDOW = 12;

    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-call");
        t.setDaemon(true);
        return t;
    });

    private Fuzz() {
    }

    /** What a call did: returned {@code value}, or threw {@code error}. */
    public record Outcome<T>(T value, Throwable error) {
        /** @return whether the call returned */
        public boolean returned() {
            return error == null;
        }
    }

    /**
     * Runs a call on another thread and waits at most {@link #TIMEOUT_SECONDS}.
     *
     * @throws AssertionError if the call does not finish in time (the input makes the parser hang)
     */
    public static <T> Outcome<T> run(Callable<T> call) {
        Future<T> f = RUNNER.submit(call);
        try {
            return new Outcome<>(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), null);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("no answer within " + TIMEOUT_SECONDS + "s: the input makes the parser hang");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every text an exception shows in a log: its and its causes' and suppressed exceptions' toString. */
    public static List<String> texts(Throwable t) {
        List<String> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(t, out, seen);
        return out;
    }

    private static void collect(Throwable t, List<String> out, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        out.add(t.toString());
        collect(t.getCause(), out, seen);
        for (Throwable s : t.getSuppressed()) {
            collect(s, out, seen);
        }
    }

    /** Whether {@code text} shows {@code secret} or any piece of it of {@link #ECHO_WINDOW} characters. */
    public static boolean echoes(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return false;
        }
        if (secret.length() <= ECHO_WINDOW) {
            return text.contains(secret);
        }
        for (int i = 0; i + ECHO_WINDOW <= secret.length(); i++) {
            if (text.contains(secret.substring(i, i + ECHO_WINDOW))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code message} names {@code key} as a whole word: {@code rdsiam.trust} is named by
     * {@code "rdsiam.trust 'x' is not valid"} but not by {@code "rdsiam.trustPem ..."}.
     */
    public static boolean names(String message, String key) {
        return message != null && Pattern.compile(Pattern.quote(key) + "(?![A-Za-z0-9])").matcher(message).find();
    }

    /**
     * A value that looks like a secret, and the part of it that must never be shown ({@code giveaway}: the whole
     * value for keys and session tokens, the signature and any session token of an auth token).
     */
    public record Secret(String value, String giveaway, String kind) {
        @Override
        public String toString() {
            return kind + "(" + value.length() + " chars)";
        }
    }

    /** 40 characters of base64: the shape of an AWS secret access key. */
    public static Arbitrary<String> secretAccessKeys() {
        return Arbitraries.strings().withChars(BASE64).ofLength(40);
    }

    /** STS session tokens: the usual prefixes and a long base64 body. */
    public static Arbitrary<String> sessionTokens() {
        return Combinators.combine(Arbitraries.of("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "AQoDYXdzE"),
                Arbitraries.strings().withChars(BASE64).ofMinLength(100).ofMaxLength(900)).as(String::concat);
    }

    /** RDS IAM auth tokens (a presigned query with {@code X-Amz-Signature=}), some with a session token. */
    public static Arbitrary<Secret> authTokens() {
        Arbitrary<String> signature = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
        Arbitrary<String> session = Arbitraries.oneOf(Arbitraries.just(""), sessionTokens());
        Arbitrary<String> host = Arbitraries.of("orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com:5432",
                "shop.c9akciq32.us-east-1.rds.amazonaws.com:3306", "127.0.0.1:5432");
        return Combinators.combine(host, signature, session).as((h, sig, st) -> {
            String value = h + "/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                    + "&X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20261201%2Feu-west-1%2Frds-db%2Faws4_request"
                    + "&X-Amz-Date=20261201T100000Z&X-Amz-Expires=900"
                    + (st.isEmpty() ? "" : "&X-Amz-Security-Token=" + st)
                    + "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig;
            return new Secret(value, st.isEmpty() ? sig : sig + "|" + st, "authToken");
        });
    }

    /** Secret keys, session tokens and auth tokens. */
    public static Arbitrary<Secret> secrets() {
        return Arbitraries.oneOf(
                secretAccessKeys().map(s -> new Secret(s, s, "secretAccessKey")),
                sessionTokens().map(s -> new Secret(s, s, "sessionToken")),
                authTokens());
    }

    /** Whether any text shows the secret's giveaway (each part of it, for an auth token). */
    public static boolean echoes(List<String> texts, Secret secret) {
        for (String part : secret.giveaway().split("\\|")) {
            for (String text : texts) {
                if (echoes(text, part)) {
                    return true;
                }
            }
        }
        return false;
    }
}
