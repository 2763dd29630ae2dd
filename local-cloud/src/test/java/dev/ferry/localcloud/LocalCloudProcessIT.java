package dev.ferry.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.Snapshot;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.localcloud.azure.TlsMaterial;
import dev.ferry.localcloud.azure.compute.VhdFooter;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The local cloud as one process, started as local-cloud's README says ({@code exec:java@local-cloud}: this module's
 * classes and its run-time class path, nothing of the tests'), serves a VHD Import: a client that reads the
 * staging account's key through Resource Manager (Storage's List Keys), uploads a fixed VHD and imports it gets a
 * region-B snapshot of the VHD's size.
 */
class LocalCloudProcessIT {

    private static final long DISK_BYTES = 4L << 20;

    @Test
    void theOneProcessLocalCloudImportsAVhdAClientUploaded() throws Exception {
        TlsMaterial tls = TlsMaterial.forThisJvm();
        tls.trustInThisJvm();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + TlsMaterial.SHARED_DIRECTORY_PROPERTY + "=" + tls.trustStore().getParent(),
                "-Dlocalcloud.azurite.node-modules=" + System.getProperty("localcloud.azurite.node-modules"),
                "-cp", "target/classes" + File.pathSeparator + Files.readString(Path.of("target/runtime-classpath.txt")).strip(),
                LocalCloudMain.class.getName());
        Path log = Files.createDirectories(Path.of("target/local-cloud-process")).resolve("stderr.log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String key;
        try {
            Map<String, String> printed = readUntilReady(process);
            ComputeManager compute = FakeAzureClients.computeManager(printed.get("AZURE_ENDPOINT"));
            String stagingId = printed.get("DR_STAGING_ACCOUNT_ID");
            key = listKeys(compute, printed.get("AZURE_ENDPOINT"), stagingId);

            String vhdUrl = uploadVhd(printed.get("DR_STAGING_BLOB_ENDPOINT"), key);
            Snapshot imported = compute.snapshots().define("from-the-process").withRegion(printed.get("DR_REGION"))
                    .withExistingResourceGroup(printed.get("DR_RESOURCE_GROUP")).withDataFromVhd(vhdUrl, stagingId).create();

            assertThat(imported.innerModel().provisioningState()).isEqualTo("Succeeded");
            assertThat(imported.innerModel().diskSizeBytes()).isEqualTo(DISK_BYTES);
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the local cloud stops on SIGTERM").isTrue();
        }
        assertThat(key).isNotBlank();
        assertThat(Files.readString(log)).as("its own log").doesNotContain("SEVERE").doesNotContain(key);
    }

    private static Map<String, String> readUntilReady(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Map<String, String>> ready = CompletableFuture.supplyAsync(() -> {
            Map<String, String> values = new HashMap<>();
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals("LOCAL_CLOUD_READY")) {
                        return values;
                    }
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        values.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the local cloud ended before LOCAL_CLOUD_READY");
        });
        return ready.get(120, TimeUnit.SECONDS);
    }

    /** Storage's List Keys through Resource Manager, with the pipeline (and token) of the Compute client. */
    private static String listKeys(ComputeManager compute, String endpoint, String accountId) throws Exception {
        HttpRequest request = new HttpRequest(HttpMethod.POST, endpoint.replaceAll("/+$", "") + accountId + "/listKeys?api-version=2023-05-01");
        try (HttpResponse response = compute.serviceClient().getHttpPipeline().send(request).block()) {
            assertThat(response.getStatusCode()).isEqualTo(200);
            return new ObjectMapper().readTree(response.getBodyAsBinaryData().toBytes()).path("keys").path(0).path("value").asText();
        }
    }

    private static String uploadVhd(String blobEndpoint, String key) {
        String account = blobEndpoint.replaceAll(".*/", "");
        BlobContainerClient container = new BlobServiceClientBuilder().connectionString("DefaultEndpointsProtocol=http;AccountName="
                + account + ";AccountKey=" + key + ";BlobEndpoint=" + blobEndpoint + ";").buildClient().getBlobContainerClient("vhds");
        if (!container.exists()) {
            container.create();
        }
        PageBlobClient blob = container.getBlobClient("process-" + System.nanoTime() + ".vhd").getPageBlobClient();
        blob.create(DISK_BYTES + VhdFooter.SIZE, true);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        blob.uploadPages(new PageRange().setStart(0).setEnd(data.length - 1), new ByteArrayInputStream(data));
        byte[] footer = VhdFooter.forDisk(DISK_BYTES);
        blob.uploadPages(new PageRange().setStart(DISK_BYTES).setEnd(DISK_BYTES + VhdFooter.SIZE - 1), new ByteArrayInputStream(footer));
        return blob.getBlobUrl();
    }
}
