package io.nucleon.trigger.kafka;

import io.nucleon.runtime.stream.RecordEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A Kafka record as the function sees it: a view over the record the consumer returned, nothing
 * copied. Runs point one instance at each record in turn; batches hold one per record.
 */
final class KafkaRecordEvent implements RecordEvent<ConsumerRecord<byte[], byte[]>> {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final String triggerName;
    private ConsumerRecord<byte[], byte[]> record;
    private long id;

    KafkaRecordEvent(String triggerName) {
        this.triggerName = triggerName;
    }

    @Override
    public KafkaRecordEvent point(ConsumerRecord<byte[], byte[]> record, long id) {
        this.record = record;
        this.id = id;
        return this;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String triggerKind() {
        return KafkaTriggerFactory.KIND;
    }

    @Override
    public String triggerName() {
        return triggerName;
    }

    @Override
    public String contentType() {
        String type = header("content-type");
        return type == null ? "" : type;
    }

    @Override
    public ByteBuffer body() {
        byte[] value = record.value();
        return value == null ? EMPTY.duplicate() : ByteBuffer.wrap(value).asReadOnlyBuffer();
    }

    @Override
    public int bodySize() {
        byte[] value = record.value();
        return value == null ? 0 : value.length;
    }

    @Override
    public byte[] bodyBytes() {
        byte[] value = record.value();
        return value == null ? new byte[0] : value.clone();
    }

    @Override
    public String bodyString() {
        byte[] value = record.value();
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    /** Kafka header names are case-sensitive; a repeated header answers with its first value. */
    @Override
    public String header(String name) {
        for (Header header : record.headers()) {
            if (header.key().equals(name)) {
                return text(header);
            }
        }
        return null;
    }

    private static String text(Header header) {
        return header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.putIfAbsent(header.key(), text(header));
        }
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public long timestampMillis() {
        return record.timestamp();
    }

    @Override
    public int partition() {
        return record.partition();
    }

    @Override
    public long offset() {
        return record.offset();
    }

    @Override
    public String topic() {
        return record.topic();
    }

    @Override
    public ByteBuffer key() {
        byte[] key = record.key();
        return key == null ? null : ByteBuffer.wrap(key).asReadOnlyBuffer();
    }
}
