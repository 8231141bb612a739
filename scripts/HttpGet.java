import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A curl stand-in for run-hello.sh on machines without curl: java scripts/HttpGet.java URL [BODY]. */
public class HttpGet {
    public static void main(String[] args) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(args[0]));
        if (args.length > 1) {
            request.POST(HttpRequest.BodyPublishers.ofString(args[1]));
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            System.out.print(response.body());
            System.exit(response.statusCode() < 400 ? 0 : 22);
        }
    }
}
