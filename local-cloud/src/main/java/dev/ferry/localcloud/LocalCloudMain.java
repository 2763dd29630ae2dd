package dev.ferry.localcloud;

import dev.ferry.localcloud.azure.AzureFake;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local cloud as its own process for the local DR run: starts and seeds every stand-in,
 * prints each endpoint as {@code KEY=value} lines, and stops everything on SIGTERM or Ctrl-C.
 */
public final class LocalCloudMain {

    private LocalCloudMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("slf4j.provider") == null) {
            // quarkus-test-common's JBoss provider is silent outside Quarkus; slf4j-simple logs to stderr.
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        long started = System.nanoTime();
        LocalCloud cloud = LocalCloud.start();
        // Faults by configuration, e.g. LOCALCLOUD_FAULTS="ARM_WRITE=throttle:1s*3; SAS_READ=busy:2s*2".
        String faults = System.getProperty("localcloud.faults", System.getenv("LOCALCLOUD_FAULTS"));
        try {
            cloud.azure().faults().configure(faults);
        } catch (IllegalArgumentException e) {
            cloud.close();
            System.err.println("local-cloud: " + e.getMessage());
            System.exit(2);
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }, "local-cloud-stop"));
        print(System.out, cloud, elapsedMillis);
        stopped.await();
    }

    /** The endpoints, one {@code KEY=value} a line, so that a script can read them. No key or secret is printed. */
    static void print(PrintStream out, LocalCloud cloud, long startMillis) {
        AzureFake azure = cloud.azure();
        out.println("AZURE_ENDPOINT=" + azure.endpoint());
        out.println("AZURE_TENANT_ID=" + AzureFake.TENANT_ID);
        out.println("AZURE_CLIENT_ID=" + AzureFake.CLIENT_ID);
        out.println("AZURE_SUBSCRIPTION_ID=" + LocalCloud.SUBSCRIPTION_ID);
        out.println("AZURE_TRUST_STORE=" + azure.trustStore());
        out.println("SOURCE_REGION=" + LocalCloud.SOURCE_REGION);
        out.println("SOURCE_NODE_RESOURCE_GROUP=" + LocalCloud.SOURCE_NODE_GROUP);
        out.println("DR_REGION=" + LocalCloud.DR_REGION);
        out.println("DR_RESOURCE_GROUP=" + LocalCloud.DR_GROUP);
        out.println("DR_NODE_RESOURCE_GROUP=" + LocalCloud.DR_NODE_GROUP);
        out.println("DR_STAGING_ACCOUNT_ID=" + cloud.drStagingAccount().id());
        out.println("DR_STAGING_BLOB_ENDPOINT=" + cloud.storage().blobEndpoint(LocalCloud.DR_STAGING_ACCOUNT));
        out.println("SOURCE_KUBECONFIG=" + cloud.sourceCluster().kubeconfig());
        out.println("DR_KUBECONFIG=" + cloud.drCluster().kubeconfig());
        out.println("LOCAL_CLOUD_STARTED_MS=" + startMillis);
        out.println("FAULTS_CONFIGURED=" + (System.getProperty("localcloud.faults", System.getenv("LOCALCLOUD_FAULTS")) != null));
        out.println("LOCAL_CLOUD_READY");
        out.flush();
    }
}
