package io.nucleon.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The order line to JSON logic of {@link EnrichOrders}, without a broker. */
class EnrichOrdersTest {

    @Test
    void shouldEnrichOrderWithTotalAndSource() {
        assertThat(enrich("order-17,3,12.50", "orders", 0, 42))
                .isEqualTo("{\"order\":\"order-17\",\"quantity\":3,\"unitPrice\":12.50,"
                        + "\"total\":37.50,\"source\":\"orders/0/42\"}");
    }

    @Test
    void shouldComputeTotalsExactlyInCents() {
        assertThat(enrich("a,3,0.10", "t", 1, 7)).contains("\"unitPrice\":0.10,\"total\":0.30");
        assertThat(enrich("a,7,19.99", "t", 1, 7)).contains("\"unitPrice\":19.99,\"total\":139.93");
        assertThat(enrich("a,1000000,9999999999.99", "t", 1, 7)).contains("\"total\":9999999999990000.00");
    }

    @Test
    void shouldWriteUnitPriceWithTwoDecimals() {
        assertThat(enrich("a,2,5", "t", 0, 0)).contains("\"unitPrice\":5.00,\"total\":10.00");
        assertThat(enrich("a,2,5.5", "t", 0, 0)).contains("\"unitPrice\":5.50,\"total\":11.00");
        assertThat(enrich("a,2,0.05", "t", 0, 0)).contains("\"unitPrice\":0.05,\"total\":0.10");
    }

    @Test
    void shouldAcceptBlanksAroundFieldsAndATrailingNewline() {
        assertThat(enrich("  order-9 , 2 ,\t1.25\n", "orders", 2, 3))
                .isEqualTo("{\"order\":\"order-9\",\"quantity\":2,\"unitPrice\":1.25,"
                        + "\"total\":2.50,\"source\":\"orders/2/3\"}");
    }

    @Test
    void shouldEscapeOrderIdAsJsonString() {
        assertThat(enrich("say \"hi\"\\\u0001,1,1", "t", 0, 0)).startsWith("{\"order\":\"say \\\"hi\\\"\\\\\\u0001\",");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "order-1",
                "order-1,3",
                "order-1,3,12.50,extra",
                ",3,12.50",
                "  ,3,12.50",
                "order-1,,12.50",
                "order-1,three,12.50",
                "order-1,0,12.50",
                "order-1,-3,12.50",
                "order-1,+3,12.50",
                "order-1,1000001,12.50",
                "order-1,3,",
                "order-1,3,-1.00",
                "order-1,3,12.505",
                "order-1,3,12.",
                "order-1,3,.50",
                "order-1,3,1.2.3",
                "order-1,3,12,50",
                "order-1,3,1e3",
                "order-1,3,12345678901.00"
            })
    void shouldRejectMalformedLine(String line) {
        StringBuilder json = new StringBuilder("kept");
        assertThat(OrderEnrichment.appendJson(line, "orders", 0, 1, json)).isFalse();
        assertThat(json).hasToString("kept");
    }

    @Test
    void shouldAppendToWhatTheBuilderHolds() {
        StringBuilder json = new StringBuilder("[");
        assertThat(OrderEnrichment.appendJson("b,1,1", "t", 0, 0, json)).isTrue();
        assertThat(json.toString()).startsWith("[{\"order\":\"b\"");
    }

    private static String enrich(String line, String topic, int partition, long offset) {
        StringBuilder json = new StringBuilder();
        assertThat(OrderEnrichment.appendJson(line, topic, partition, offset, json))
                .as("accepted: %s", line)
                .isTrue();
        return json.toString();
    }
}
