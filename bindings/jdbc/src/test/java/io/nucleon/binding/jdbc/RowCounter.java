package io.nucleon.binding.jdbc;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The function the integration tests run: per request it inserts the body as a row of the table named by the
 * {@code TABLE} variable, through the binding {@code db}, and answers with the table's row count, read back through
 * the binding.
 */
public final class RowCounter implements Function {

    /** Every binding object a worker fetched, so tests can see that workers share one and that it is closed. */
    static final Set<JdbcBinding> FETCHED = ConcurrentHashMap.newKeySet();

    private JdbcBinding db;
    private String table;

    @Override
    public void init(InitContext context) {
        db = context.dataBinding("db", JdbcBinding.class);
        table = context.env("TABLE");
        FETCHED.add(db);
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        db.update("insert into " + table + " (body, worker) values (?, ?)", event.bodyString(), context.workerId());
        long count =
                db.query("select count(*) from " + table, row -> row.getLong(1)).get(0);
        return Response.ok(Long.toString(count));
    }
}
