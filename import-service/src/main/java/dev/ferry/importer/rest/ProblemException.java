package dev.ferry.importer.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request the REST API refuses, answered as RFC 9457 problem+json with a clear detail. */
public final class ProblemException extends WebApplicationException {

    public ProblemException(int status, String title, String detail) {
        super(detail, Response.status(status).type("application/problem+json").entity(body(status, title, detail)).build());
    }

    private static Map<String, Object> body(int status, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }
}
