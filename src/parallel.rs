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

/// The parts' elements in one vector, in order (`parts.concat()` for elements that are moved, not
/// cloned), each given to `f` with the index of its part on the way. Big inputs are moved on up to `jobs`
/// threads, each into its own range of the result: moving (and touching the result's fresh memory for
/// the first time) is the cost, and the ranges are independent.
pub fn concat<T: Send>(parts: Vec<Vec<T>>, jobs: usize, f: impl Fn(usize, &mut T) + Sync) -> Vec<T> {
    /// Below this many elements, threads cost more than they save.
    const PARALLEL_FROM: usize = 4096;
    let total: usize = parts.iter().map(Vec::len).sum();
    let mut out: Vec<T> = Vec::with_capacity(total);
    if jobs <= 1 || total < PARALLEL_FROM || parts.len() < 2 {
        for (i, part) in parts.into_iter().enumerate() {
            out.extend(part.into_iter().map(|mut x| {
                f(i, &mut x);
                x
            }));
        }
        return out;
    }
    // Each part gets its own range of the result's spare room; the parts go to the threads in contiguous
    // groups of about equal numbers of elements.
    let mut rest = &mut out.spare_capacity_mut()[..total];
    // (part index, its room in the result, its elements)
    type Move<'a, T> = (usize, &'a mut [std::mem::MaybeUninit<T>], Vec<T>);
    let mut groups: Vec<Vec<Move<'_, T>>> = (0..jobs).map(|_| Vec::new()).collect();
    let mut done = 0;
    for (i, part) in parts.into_iter().enumerate() {
        let (room, after) = std::mem::take(&mut rest).split_at_mut(part.len());
        rest = after;
        let n = part.len();
        groups[(done * jobs / total).min(jobs - 1)].push((i, room, part));
        done += n;
    }
    std::thread::scope(|s| {
        for group in groups {
            let f = &f;
            s.spawn(move || {
                for (i, room, part) in group {
                    for (slot, mut x) in room.iter_mut().zip(part) {
                        f(i, &mut x);
                        slot.write(x);
                    }
                }
            });
        }
    });
    // SAFETY: the ranges cover `..total` exactly (their lengths are the parts' lengths, which sum to
    // `total`), and each was written in full, element by element, from a part of the same length. (A panic
    // on a thread is resumed by `scope` before this: the elements written are then leaked, never dropped
    // twice or read uninitialised.)
    unsafe { out.set_len(total) };
    out
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
    fn concatenates_in_order_on_any_number_of_threads() {
        // Parts of uneven sizes (some empty), elements that own memory (a double drop or a missed
        // element would show under Miri or as a wrong result), both sides of the threshold.
        for (parts, len) in [(7, 3), (40, 300), (3, 5000)] {
            let make = || -> Vec<Vec<String>> {
                (0..parts).map(|p| (0..(p * len) % 1000).map(|i| format!("{p}:{i}")).collect()).collect()
            };
            let want: Vec<String> = make()
                .into_iter()
                .enumerate()
                .flat_map(|(p, v)| v.into_iter().map(move |x| format!("{x}@{p}")))
                .collect();
            for jobs in [1, 2, 3, 8] {
                let got = super::concat(make(), jobs, |p, x| x.push_str(&format!("@{p}")));
                assert_eq!(got, want, "jobs {jobs}");
            }
        }
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
