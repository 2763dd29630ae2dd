package dev.ferry.support.api;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Describes Ferry's problems in every service's OpenAPI document: the {@code Problem} schema, the answers every
 * {@code /api/...} call may get (400 a bad request, 401 no or a refused token, 403 a missing permission, 500 an
 * incident, 503 a dependency such as the cluster's reviews down), and the problem+json body of every error answer,
 * including those a resource declares itself with {@code @APIResponse} (404, 409, 422, 429).
 */
public class ProblemResponses implements OASFilter {

    /** The name of the problem schema among the document's components. */
    public static final String SCHEMA = "Problem";

    private static final Map<String, String> EVERY_CALL = Map.of(
            "400", "The request is not valid: a malformed body or parameter (problem+json names each error)",
            "401", "No bearer token, or one the cluster does not accept (expired, forged, another cluster's)",
            "403", "The caller lacks a permission on the cluster; the problem names each one missing",
            "500", "The service failed unexpectedly; its log names the incident",
            "503", "A dependency did not answer (the cluster's access reviews, Azure, the catalog)");

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(OASFactory.createComponents());
        }
        openApi.getComponents().addSchema(SCHEMA, problemSchema());
        if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
            return;
        }
        openApi.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            item.getOperations().values().forEach(ProblemResponses::describeProblems);
        });
    }

    private static void describeProblems(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        for (Map.Entry<String, String> code : EVERY_CALL.entrySet()) {
            if (!responses.hasAPIResponse(code.getKey())) {
                responses.addAPIResponse(code.getKey(), OASFactory.createAPIResponse().description(code.getValue()));
            }
        }
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                withProblemBody(response);
            }
        });
    }

    private static void withProblemBody(APIResponse response) {
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(SCHEMA)));
        response.setContent(content);
    }

    private static Schema problemSchema() {
        return schema(Schema.SchemaType.OBJECT).description("RFC 9457 problem details, as every Ferry error answers")
                .addProperty("type", schema(Schema.SchemaType.STRING).description("https://ferry.dev/problems/<slug>, or about:blank"))
                .addProperty("title", schema(Schema.SchemaType.STRING))
                .addProperty("status", schema(Schema.SchemaType.INTEGER))
                .addProperty("detail", schema(Schema.SchemaType.STRING))
                .addProperty("instance", schema(Schema.SchemaType.STRING).description("the request's path"))
                .addProperty("errors", schema(Schema.SchemaType.ARRAY).items(schema(Schema.SchemaType.STRING))
                        .description("each thing wrong, e.g. a field and why, or a missing permission"))
                .required(List.of("type", "title", "status"));
    }

    private static Schema schema(Schema.SchemaType type) {
        return OASFactory.createSchema().type(List.of(type));
    }
}
