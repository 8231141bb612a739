package io.nucleon.cli;

import io.nucleon.cli.platform.FunctionStatus;
import io.nucleon.cli.platform.Json;
import io.nucleon.cli.platform.Platform;
import io.nucleon.cli.platform.PlatformException;
import io.nucleon.cli.platform.ReplicaStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nucleon get [NAME]}: a table of deployed functions, or JSON. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description =
                "Lists deployed functions: state, replicas (ready/all), restarts, URL, triggers, uptime and events"
                        + " handled (since each processor's start).",
        footer = {"", "Examples:", "  nucleon get", "  nucleon get hello -o json", "  nucleon get -o yaml"})
final class GetCommand implements Runnable {

    private static final String ROW = "%-20s %-10s %-8s %-8s %-28s %-20s %-8s %s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "One function (default: all).")
    String name;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "text",
            paramLabel = "text|json|yaml",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public void run() {
        if (!output.equals("text") && !output.equals("json") && !output.equals("yaml")) {
            throw CliException.badInput("-o: must be text, json or yaml, got '" + output + "'");
        }
        Platform platform = global.platform();
        List<FunctionStatus> functions = name == null
                ? platform.list()
                : List.of(platform.get(name)
                        .orElseThrow(() -> new PlatformException(
                                "function '" + name + "' not found (nucleon get lists the deployed functions)")));
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            List<Object> json =
                    new ArrayList<>(functions.stream().map(GetCommand::json).toList());
            out.println(Json.write(name == null ? json : json.getFirst(), true));
        } else if (output.equals("yaml")) {
            List<Object> yaml =
                    new ArrayList<>(functions.stream().map(GetCommand::json).toList());
            org.yaml.snakeyaml.DumperOptions options = new org.yaml.snakeyaml.DumperOptions();
            options.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
            options.setIndicatorIndent(0);
            out.print(new org.yaml.snakeyaml.Yaml(options).dump(name == null ? yaml : yaml.getFirst()));
        } else if (functions.isEmpty()) {
            spec.commandLine().getErr().println("no functions deployed");
        } else {
            out.printf(ROW, "NAME", "STATE", "REPLICAS", "RESTARTS", "URL", "TRIGGERS", "UPTIME", "HANDLED");
            functions.forEach(f -> out.printf(
                    ROW,
                    f.name(),
                    f.state(),
                    f.replicaSummary(),
                    f.restarts(),
                    f.url().isEmpty() ? "-" : f.url(),
                    f.triggerSummary(),
                    f.running() ? uptime(f) : "-",
                    f.handledEvents().isPresent()
                            ? Long.toString(f.handledEvents().getAsLong())
                            : "-"));
        }
        out.flush();
    }

    private static Map<String, Object> json(FunctionStatus function) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", function.name());
        json.put("state", function.state());
        json.put("url", function.url().isEmpty() ? null : function.url());
        json.put("triggers", function.triggerList());
        json.put("startedAt", Instant.ofEpochMilli(function.startedAtMillis()).toString());
        json.put("uptimeSeconds", function.running() ? uptimeOf(function).toSeconds() : null);
        json.put("handledEvents", orNull(function.handledEvents()));
        json.put("restartPolicy", function.restartPolicy());
        json.put("restarts", function.restarts());
        json.put("replicas", function.replicas().stream().map(GetCommand::json).toList());
        return json;
    }

    private static Map<String, Object> json(ReplicaStatus replica) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", replica.index());
        json.put("state", replica.state());
        json.put("pid", replica.pid());
        json.put("adminPort", replica.adminPort());
        json.put("url", replica.url().isEmpty() ? null : replica.url());
        json.put("startedAt", Instant.ofEpochMilli(replica.startedAtMillis()).toString());
        json.put("handledEvents", orNull(replica.handledEvents()));
        json.put("restarts", replica.restarts());
        return json;
    }

    private static Long orNull(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static Duration uptimeOf(FunctionStatus function) {
        return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - function.startedAtMillis()));
    }

    static String uptime(FunctionStatus function) {
        long seconds = uptimeOf(function).toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + seconds % 60 + "s";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
        }
        return seconds / 86400 + "d" + (seconds % 86400) / 3600 + "h";
    }
}
