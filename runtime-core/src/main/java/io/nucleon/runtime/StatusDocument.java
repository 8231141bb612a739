package io.nucleon.runtime;

import io.nucleon.runtime.dispatch.WorkerPool;
import io.nucleon.runtime.spi.Trigger;

/** Renders {@code GET /status}: the JSON the CLI and controller read to report on a processor. */
final class StatusDocument {

    private StatusDocument() {}

    static String render(Processor processor) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"function\":").append(quote(processor.config().name()));
        json.append(",\"handler\":").append(quote(processor.config().spec().handler()));
        json.append(",\"state\":").append(quote(processor.state().name()));
        json.append(",\"startedAtMillis\":").append(processor.startedAtMillis());
        json.append(",\"pid\":").append(ProcessHandle.current().pid());
        json.append(",\"triggers\":[");
        String separator = "";
        for (Trigger trigger : processor.triggers()) {
            json.append(separator).append("{\"name\":").append(quote(trigger.name()));
            json.append(",\"kind\":").append(quote(trigger.kind()));
            json.append(",\"endpoint\":")
                    .append(trigger.endpoint().map(u -> quote(u.toString())).orElse("null"));
            json.append(",\"problem\":")
                    .append(trigger.problem().map(StatusDocument::quote).orElse("null"));
            json.append('}');
            separator = ",";
        }
        json.append("],\"pools\":[");
        separator = "";
        for (WorkerPool pool : processor.pools().values()) {
            json.append(separator).append("{\"name\":").append(quote(pool.name()));
            json.append(",\"workers\":").append(pool.numWorkers());
            json.append(",\"busyWorkers\":").append(pool.busyWorkers());
            json.append(",\"inFlight\":").append(pool.inFlight());
            json.append('}');
            separator = ",";
        }
        json.append("],\"dataBindings\":[");
        separator = "";
        for (var binding : processor.dataBindings().entrySet()) {
            json.append(separator).append("{\"name\":").append(quote(binding.getKey()));
            json.append(",\"kind\":").append(quote(binding.getValue())).append('}');
            separator = ",";
        }
        return json.append("]}").toString();
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
