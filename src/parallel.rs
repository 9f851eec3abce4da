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
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        return items.iter().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let chunk = (items.len() / (jobs * 8)).clamp(1, 1024);
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
    fn keeps_order_on_any_number_of_threads() {
        let xs: Vec<u32> = (0..10_000).collect();
        for jobs in [1, 2, 3, 8] {
            let ys = super::map(&xs, jobs, |i, x| (i as u32) + x);
            assert_eq!(ys, xs.iter().map(|x| 2 * x).collect::<Vec<_>>());
        }
        assert!(super::map(&Vec::<u32>::new(), 4, |_, x| *x).is_empty());
    }
}
