package dev.rdsiam.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A TCP front for the kit's STS that stamps each HTTP answer's {@code Date} header by a given clock (the kit's),
 * passing everything else through. The JDK's {@code HttpServer} under the kit's STS always stamps {@code Date} by the
 * real clock, so a kit whose clock is shifted (the "server" is 20 minutes off) needs this to say so in its answers,
 * as a real STS does.
 *
 * <pre>{@code
 * try (DateStampingFront front = new DateStampingFront(rds.stsEndpoint(), rds.clock())) {
 *     env.put("RDSIAM_STS_ENDPOINT", front.endpoint().toString());
 * }
 * }</pre>
 */
final class DateStampingFront implements AutoCloseable {

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final URI upstream;
    private final Clock clock;
    private final ServerSocket server;

    DateStampingFront(URI upstream, Clock clock) throws IOException {
        this.upstream = upstream;
        this.clock = clock;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("date-front-accept", this::accept);
    }

    /** @return {@code http://127.0.0.1:PORT} */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket up = new Socket(upstream.getHost(), upstream.getPort());
                daemon("date-front-request", () -> pipe(client, up));
                daemon("date-front-response", () -> responses(up, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies the requests as they are. */
    private static void pipe(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // the other side closed
        }
    }

    /** Copies the answers, each head with its Date replaced, each body by its Content-Length. */
    private void responses(Socket from, Socket to) {
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                StringBuilder rewritten = new StringBuilder();
                long length = -1;
                for (String line : head.split("\r\n")) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("date:")) {
                        line = "Date: " + HTTP_DATE.format(clock.instant());
                    } else if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(line.substring("content-length:".length()).trim());
                    }
                    rewritten.append(line).append("\r\n");
                }
                out.write(rewritten.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                if (length < 0) {
                    in.transferTo(out); // no length: the body ends with the connection
                    return;
                }
                byte[] body = in.readNBytes((int) length);
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the other side closed
        }
    }

    /** The head up to (not including) the blank line, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
            if (matched == 4) {
                String s = head.toString(StandardCharsets.ISO_8859_1);
                return s.substring(0, s.length() - 4);
            }
        }
        return null;
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
