package dev.rdsiam.samples.springboot;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * One row of {@code orders}.
 *
 * @param id        the generated key
 * @param customer  who ordered
 * @param amount    the total
 * @param orderedAt when
 */
public record Order(long id, String customer, BigDecimal amount, OffsetDateTime orderedAt) {
}
