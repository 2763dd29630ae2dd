package dev.ferry.export;

/** The DR region's staging storage account, where VHD page blobs are assembled before the import. */
public interface StagingAccount {

    StagingBlob blob(StagingBlobName name);
}
