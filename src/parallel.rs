//! A small order-preserving parallel map over scoped threads: files are loaded and checked in parallel,
//! and within a big file, entities are validated and audited in parallel. No dependency, no global pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The number of worker threads to use when the user does not say: every core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().enumerate().map(f).collect()`, on up to `jobs` threads, results in input order.
/// Work is handed out in chunks so that threads stay busy when items differ in cost.
pub fn map<T, R, F>(items: &[T], jobs: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
{
    let chunk = (items.len() / (jobs.max(1) * 8)).clamp(1, 1024);
    map_in_chunks(items, jobs, chunk, f)
}

/// [`map`] for items that each take long (files): handed out one at a time, so that the threads finish
/// within one item of each other. (In chunks of 12 files, 200 files on two threads left one idle for up to
/// 5 ms at the end of the parse.)
pub fn map_each<T, R, F>(items: &[T], jobs: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
{
    map_in_chunks(items, jobs, 1, f)
}

fn map_in_chunks<T, R, F>(items: &[T], jobs: usize, chunk: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        return items.iter().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<R>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let start = next.fetch_add(chunk, Ordering::Relaxed);
                if start >= items.len() {
                    break;
                }
                let end = (start + chunk).min(items.len());
                let out: Vec<R> = (start..end).map(|i| f(i, &items[i])).collect();
                done.lock().unwrap_or_else(|e| e.into_inner()).push((start, out));
            });
        }
    });
    let mut parts = done.into_inner().unwrap_or_else(|e| e.into_inner());
    parts.sort_unstable_by_key(|(start, _)| *start);
    parts.into_iter().flat_map(|(_, v)| v).collect()
}

/// `take(make(0))`, `take(make(1))`, … up to `n`, in order, with the `make` calls on up to `jobs` threads, at
/// most `window` ahead of the last value taken: for output written in parts (each part is made while earlier
/// ones are written, and only `window` of them are held at once, so their memory is reused rather than
/// fresh). `take` returning an error stops the run (the parts being made are finished and dropped); a panic
/// in `make` is resumed here.
pub fn ordered<R: Send, E>(
    n: usize,
    jobs: usize,
    window: usize,
    make: impl Fn(usize) -> R + Sync,
    mut take: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    use std::collections::BTreeMap;
    use std::sync::Condvar;
    if jobs <= 1 || n <= 1 {
        return (0..n).try_for_each(|i| take(make(i)));
    }
    let window = window.max(jobs);
    struct State<R> {
        made: BTreeMap<usize, std::thread::Result<R>>,
        /// Parts taken so far; `usize::MAX` once the run stops early.
        taken: usize,
    }
    let state = Mutex::new(State { made: BTreeMap::new(), taken: 0 });
    let changed = Condvar::new();
    let next = AtomicUsize::new(0);
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(n) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                {
                    let mut st = lock();
                    while st.taken != usize::MAX && i >= st.taken + window {
                        st = changed.wait(st).unwrap_or_else(|e| e.into_inner());
                    }
                    if st.taken == usize::MAX {
                        break;
                    }
                }
                let part = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| make(i)));
                lock().made.insert(i, part);
                changed.notify_all();
            });
        }
        let mut result = Ok(());
        for i in 0..n {
            let part = {
                let mut st = lock();
                loop {
                    if let Some(p) = st.made.remove(&i) {
                        break p;
                    }
                    st = changed.wait(st).unwrap_or_else(|e| e.into_inner());
                }
            };
            let part = match part {
                Ok(part) => part,
                Err(panic) => {
                    // Stop the other threads before resuming the panic (`scope` waits for them).
                    lock().taken = usize::MAX;
                    changed.notify_all();
                    std::panic::resume_unwind(panic)
                }
            };
            let outcome = take(part);
            let mut st = lock();
            match outcome {
                Ok(()) => st.taken = i + 1,
                Err(e) => {
                    st.taken = usize::MAX;
                    result = Err(e);
                }
            }
            drop(st);
            changed.notify_all();
            if result.is_err() {
                break;
            }
        }
        result
    })
}

/// A value being computed on another thread while this one does other work (start-up work, such as
/// compiling the rules, overlapped with reading and parsing the files). With one job it is computed
/// when first asked for, on the calling thread.
pub struct Pending<T: Send + 'static>(PendingState<T>);

enum PendingState<T: Send + 'static> {
    Thread(std::thread::JoinHandle<Option<T>>),
    Deferred(Box<dyn FnOnce() -> T + Send>),
}

impl<T: Send + 'static> Pending<T> {
    pub fn start(jobs: usize, f: impl FnOnce() -> T + Send + 'static) -> Pending<T> {
        let f: Box<dyn FnOnce() -> T + Send> = Box::new(f);
        if jobs > 1 {
            // Shared so that the work can be taken back if no thread can be started (resource limits):
            // then it is only done inline, later.
            let slot = std::sync::Arc::new(Mutex::new(Some(f)));
            let theirs = slot.clone();
            let spawned = std::thread::Builder::new().name("prepare".into()).spawn(move || {
                let f = theirs.lock().unwrap_or_else(|e| e.into_inner()).take();
                f.map(|f| f())
            });
            match spawned {
                Ok(h) => return Pending(PendingState::Thread(h)),
                Err(_) => {
                    let f = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                    return Pending(PendingState::Deferred(f.expect("the thread never started")));
                }
            }
        }
        Pending(PendingState::Deferred(f))
    }

    /// Waits for the value. A panic on the other thread is resumed here, as if it had happened inline.
    pub fn wait(self) -> T {
        match self.0 {
            PendingState::Thread(h) => match h.join() {
                Ok(Some(v)) => v,
                // Not reachable: the closure is only taken by the thread when it runs.
                Ok(None) => unreachable!("the prepared work was taken twice"),
                Err(e) => std::panic::resume_unwind(e),
            },
            PendingState::Deferred(f) => f(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordered_takes_every_part_in_order_holding_a_window() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for jobs in [1, 2, 3, 8] {
            for n in [0, 1, 5, 100] {
                let held = AtomicUsize::new(0);
                let most = AtomicUsize::new(0);
                let mut got = Vec::new();
                let r: Result<(), ()> = super::ordered(
                    n,
                    jobs,
                    4,
                    |i| {
                        let now = held.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        i * 2
                    },
                    |x| {
                        held.fetch_sub(1, Ordering::SeqCst);
                        got.push(x);
                        Ok(())
                    },
                );
                assert!(r.is_ok());
                assert_eq!(got, (0..n).map(|i| i * 2).collect::<Vec<_>>(), "jobs {jobs}, n {n}");
                assert!(most.load(Ordering::SeqCst) <= 4.max(jobs) + 1, "held {}", most.load(Ordering::SeqCst));
            }
        }
    }

    #[test]
    fn ordered_stops_at_the_first_error_and_resumes_a_panic() {
        let mut got = Vec::new();
        let r = super::ordered(
            1000,
            2,
            4,
            |i| i,
            |i| {
                got.push(i);
                if i == 10 {
                    Err(i)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!((r, got.len()), (Err(10), 11));
        let caught = std::panic::catch_unwind(|| {
            let _ = super::ordered(1000, 2, 4, |i| if i == 7 { panic!("part {i}") } else { i }, |_| Ok::<(), ()>(()));
        });
        assert!(caught.is_err(), "the panic of a part reaches the caller");
    }

    #[test]
    fn keeps_order_on_any_number_of_threads() {
        let xs: Vec<u32> = (0..10_000).collect();
        for jobs in [1, 2, 3, 8] {
            let ys = super::map(&xs, jobs, |i, x| (i as u32) + x);
            assert_eq!(ys, xs.iter().map(|x| 2 * x).collect::<Vec<_>>());
        }
        assert!(super::map(&Vec::<u32>::new(), 4, |_, x| *x).is_empty());
    }
}
