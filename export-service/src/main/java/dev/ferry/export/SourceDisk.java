package dev.ferry.export;

/** Opens a snapshot's data, as a read-only page blob, through the SAS that a grant returned. */
public interface SourceDisk {

    SourceBlob open(SasUrl sas);
}
