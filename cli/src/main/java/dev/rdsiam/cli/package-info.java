/**
 * The {@code rdsiam} command line: {@code token}, {@code doctor}, {@code policy} and {@code env}, built on the
 * library's own configuration, token, trust and DataSource code.
 *
 * <pre>{@code
 * int exit = Main.run(new String[] {"doctor", "--json"}, System.getenv(), System.out, System.err);
 * }</pre>
 */
package dev.rdsiam.cli;
