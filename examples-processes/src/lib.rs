//! Processes: the multiprocessing notes mirrored with std::process (filled by a later issue).
