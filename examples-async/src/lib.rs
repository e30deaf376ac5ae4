//! Async: the asyncio notes mirrored with tokio, smol and async-std (filled by a later issue).
