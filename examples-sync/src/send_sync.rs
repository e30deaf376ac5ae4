//! What "thread-safe" means in Rust: the `Send` and `Sync` marker traits.
//!
//! The notes (notes 000, 三. 什麼是 thread-safe？) call it thread-safe when
//! threads that read and modify one resource at once 「不會發生衝突，和數據修改不會發生錯誤」 (do not conflict, and the data is not modified wrongly). In
//! Python that is a matter of care: the GIL makes one bytecode indivisible,
//! but `n += 1` is several, so shared state needs a `threading.Lock`, and
//! forgetting it is a bug found at run time, if at all. Rust makes it a type property, checked when compiling:
//!
//! - `T: Send`: a `T` may be *moved* to another thread.
//! - `T: Sync`: a `&T` may be *shared* with other threads (`T: Sync` exactly
//!   when `&T: Send`).
//!
//! `std::thread::spawn` and `Scope::spawn` require the closure (and so
//! everything it captures) to be `Send`. The compiler works the traits out
//! from a type's fields, so most types are both; the exceptions are the ones
//! that would be unsound to share: `Rc` (its reference count is not atomic),
//! `Cell` and `RefCell` (mutation through `&` without any lock), raw
//! pointers, and a few others. And the borrow rules (one `&mut` or many `&`)
//! rule out two threads writing one variable. Together they rule out *data
//! races*; not *logic races* (see the `bank_lock` bin) nor deadlocks.
//!
//! The bin `send_sync` runs the working versions and prints which types are
//! `Send` and `Sync`. The examples below are the broken versions, kept as
//! `compile_fail` doctests with the error code rustc gives, each followed by
//! its fix. `cargo test -p examples-sync --doc` checks that each fails to
//! compile; only a nightly rustdoc also checks the error code
//! (`cargo +nightly test -p examples-sync --doc`).
//!
//! # An `Rc` cannot cross to another thread
//!
//! Two threads could bump the non-atomic count at once and free the value
//! twice, so `Rc` is not `Send`: error E0277, `` `Rc<i32>` cannot be sent
//! between threads safely ``.
//!
//! ```compile_fail,E0277
//! use std::rc::Rc;
//!
//! let shared = Rc::new(5);
//! let clone = Rc::clone(&shared);
//! let handle = std::thread::spawn(move || *clone + 1);
//! assert_eq!(handle.join().unwrap(), 6);
//! ```
//!
//! The fix is `Arc`, the atomically reference-counted pointer:
//!
//! ```
//! use std::sync::Arc;
//!
//! let shared = Arc::new(5);
//! let clone = Arc::clone(&shared);
//! let handle = std::thread::spawn(move || *clone + 1);
//! assert_eq!(handle.join().unwrap(), 6);
//! assert_eq!(Arc::strong_count(&shared), 1); // the thread's clone was dropped
//! ```
//!
//! # Two threads cannot mutate one variable without synchronisation
//!
//! `counter += 1` from two threads (the `race_condition` example, added
//! here; the notes give no counter code). Each closure borrows `count`
//! mutably, and two `&mut` to one variable at once are refused: error E0499,
//! `` cannot borrow `count` as mutable more than once at a time ``. (With
//! `thread::spawn` instead of a scope the error is E0373 first: the thread
//! could outlive `count`.)
//!
//! ```compile_fail,E0499
//! let mut count = 0;
//! std::thread::scope(|s| {
//!     s.spawn(|| count += 1);
//!     s.spawn(|| count += 1);
//! });
//! assert_eq!(count, 2);
//! ```
//!
//! Going around the borrow rules with a `Cell` (mutation through a shared
//! reference, no lock) is refused too, because `Cell` is not `Sync`: error
//! E0277, `` `Cell<i32>` cannot be shared between threads safely ``.
//!
//! ```compile_fail,E0277
//! use std::cell::Cell;
//!
//! let count = Cell::new(0);
//! std::thread::scope(|s| {
//!     s.spawn(|| count.set(count.get() + 1));
//!     s.spawn(|| count.set(count.get() + 1));
//! });
//! assert_eq!(count.get(), 2);
//! ```
//!
//! The fixes share through `&` a type that synchronises: an atomic (one
//! indivisible read-modify-write) or a `Mutex` (Python's `with lock:`).
//!
//! ```
//! use std::sync::Mutex;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//!
//! let hits = AtomicUsize::new(0);
//! let count = Mutex::new(0);
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| {
//!             hits.fetch_add(1, Ordering::Relaxed);
//!             *count.lock().unwrap() += 1;
//!         });
//!     }
//! });
//! assert_eq!(hits.into_inner(), 2);
//! assert_eq!(count.into_inner().unwrap(), 2);
//! ```
//!
//! A pitfall that does compile: a `move` closure gets its own *copy* of a
//! `Copy` value, so the threads increment copies and `count` never changes.
//!
//! ```
//! let mut count = 0;
//! std::thread::scope(|s| {
//!     s.spawn(move || count += 1);
//!     s.spawn(move || count += 1);
//! });
//! assert_eq!(count, 0);
//! ```

// The `send_sync` bin's table: asking the compiler "is T Send?" and getting
// a bool ("autoref specialisation", a trick that works in macros on concrete
// types): method lookup tries `Probe<T>`'s own `&self` method first, which
// exists only when `T: Send` (or `Sync`), and otherwise falls back to the
// one on `&Probe<T>`.

#[doc(hidden)]
pub struct SendProbe<T: ?Sized>(pub std::marker::PhantomData<T>);
#[doc(hidden)]
pub struct SyncProbe<T: ?Sized>(pub std::marker::PhantomData<T>);
#[doc(hidden)]
pub trait Yes {
    fn is(&self) -> bool {
        true
    }
}
#[doc(hidden)]
pub trait No {
    fn is(&self) -> bool {
        false
    }
}
impl<T: ?Sized + Send> Yes for SendProbe<T> {}
impl<T: ?Sized> No for &SendProbe<T> {}
impl<T: ?Sized + Sync> Yes for SyncProbe<T> {}
impl<T: ?Sized> No for &SyncProbe<T> {}

/// `(name of T, is T Send, is T Sync)` as the compiler decides them for a concrete type.
///
/// ```
/// use examples_sync::send_sync;
/// assert_eq!(send_sync!(std::rc::Rc<i32>), ("std::rc::Rc<i32>", false, false));
/// assert_eq!(send_sync!(std::cell::Cell<i32>).1, true);
/// ```
#[macro_export]
macro_rules! send_sync {
    ($t:ty) => {{
        #[allow(unused_imports)]
        use $crate::send_sync::{No as _, Yes as _};
        use $crate::send_sync::{SendProbe, SyncProbe};
        let send = (&SendProbe::<$t>(std::marker::PhantomData)).is();
        let sync = (&SyncProbe::<$t>(std::marker::PhantomData)).is();
        (stringify!($t), send, sync)
    }};
}
