//! How the process uses memory, decided once the input's size is known.
//!
//! Transparent huge pages (2 MiB pages the kernel hands out on first touch, which mimalloc asks for) make a
//! small run faster — fewer page faults — and a big one slower: on this project's machine each fresh huge
//! page costs more than the small faults it saves once a run touches hundreds of them (BENCHMARKS.md,
//! 3f83343 and after: 1k items 19.6 against 21.2 ms with them, 10k items 204 against 176 ms, 100k items
//! 1.91 against 1.62 s). So they are turned off for the process when the input is big.

/// Total input size above which the process runs without transparent huge pages.
pub const HUGE_PAGES_UP_TO: u64 = 4 << 20;

/// Turns transparent huge pages off for the rest of the run when `input_bytes` is above
/// [`HUGE_PAGES_UP_TO`]. Affects only pages touched from now on; does nothing where the system cannot.
pub fn for_input(input_bytes: u64) {
    if input_bytes > HUGE_PAGES_UP_TO {
        disable_huge_pages();
    }
}

#[cfg(target_os = "linux")]
fn disable_huge_pages() {
    extern "C" {
        fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    /// `PR_SET_THP_DISABLE` in <linux/prctl.h>.
    const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
    let (on, unused): (std::ffi::c_ulong, std::ffi::c_ulong) = (1, 0);
    // SAFETY: prctl with PR_SET_THP_DISABLE takes four unsigned long arguments and only sets a flag of
    // this process; a failure (an old kernel) leaves huge pages as they were, which is harmless.
    unsafe { prctl(PR_SET_THP_DISABLE, on, unused, unused, unused) };
}

#[cfg(not(target_os = "linux"))]
fn disable_huge_pages() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn a_big_input_turns_huge_pages_off_for_the_process() {
        extern "C" {
            fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
        }
        /// `PR_GET_THP_DISABLE` in <linux/prctl.h>: 1 when huge pages are off for this process.
        const PR_GET_THP_DISABLE: std::ffi::c_int = 42;
        let unused: std::ffi::c_ulong = 0;
        super::for_input(super::HUGE_PAGES_UP_TO + 1);
        // SAFETY: PR_GET_THP_DISABLE only reads a flag of this process.
        let off = unsafe { prctl(PR_GET_THP_DISABLE, unused, unused, unused, unused) };
        assert_eq!(off, 1);
    }
}
