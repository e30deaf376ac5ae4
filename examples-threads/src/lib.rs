//! Threads: the threading notes mirrored with std::thread, crossbeam and rayon. Each lesson is a bin under `src/bin/`.
//!
//! The library holds only what is not a lesson: `condition`'s poem
//! ([`POEM`]), the self-checks of `scoped` and of the crawler bins and
//! `thread_pool` on what they crawled (with the exit code their accounts
//! decide), and `crawler`'s followed link ([`check`]; their flags and
//! account are `shared::crawl::{CrawlArgs, tally}`), the page numbers of
//! crawled URLs ([`page_numbers`]), and the chained turns that make
//! `result_orders` finish its tasks in a chosen order ([`turns`]). Duration
//! flags of the other bins use `shared::workload::secs_arg` (0 to 3600 s). The
//! comparison harness needs nothing here: it reads the bins' cost and
//! `answer:` lines, and the spans `shared` records by itself.

#![warn(missing_docs)]

/// `condition`'s two speakers' lines, Li Zhiyi's poem 卜算子 in English: tmall
/// speaks the even lines, xiaoai the odd ones; more exchanges than lines
/// start the poem again.
pub const POEM: [&str; 10] = [
    "XiaoAi!",
    "Here.",
    "I live at the river's head,",
    "you live at its mouth.",
    "Day after day I long for you and never see you,",
    "yet we drink from the same river.",
    "When will this water stop flowing?",
    "When will this longing end?",
    "If only your heart were like mine,",
    "I would never fail your love.",
];

/// The page numbers at the end of list-page URLs (`.../sitehome/p/7` -> `7`),
/// in the order given; a URL that does not end in a number is skipped.
pub fn page_numbers<'a>(urls: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let page = |u: &str| u.rsplit('/').next()?.parse().ok();
    urls.filter_map(page).collect()
}

/// The self-checks of `scoped` and the crawlers (not the lesson: each bin prints what it
/// computed or crawled, and these make sure that is right). Every check
/// returns `Err` with what differs, so the bin exits 1 with one message.
pub mod check {
    use std::path::Path;

    use anyhow::{Context, Result, ensure};
    use shared::crawl::{Account, Fetched, Retry, fetch_with_retry};
    use shared::site::{parse_posts, posts_on_page};

    /// `scoped`'s self-check: prints `check: <what> = <got>`, or returns
    /// `Err` if `got` is not `expected`.
    ///
    /// # Errors
    /// If `got != expected`.
    pub fn sum(what: &str, got: u64, expected: u64) -> Result<()> {
        ensure!(got == expected, "{what}: got {got}, expected {expected}");
        println!("check: {what} = {got}");
        Ok(())
    }

    /// `crawler_pipeline`'s end: prints the `account` of every URL, then reads
    /// back its results file, written as `part` (`page<TAB>href<TAB>title`
    /// lines): checks that each of pages `1..=pages` is either absent (it
    /// failed) or there with exactly its posts (twice would mean it was parsed
    /// twice), and that the pages in the file are the ones `account` says were
    /// fetched; renames it to `out` (one step: whoever reads `out` sees the
    /// last complete file, never a partial one, even with two runs at once),
    /// prints `results: <out> (N lines)` and `check: N posts in the file, each
    /// of K fetched pages exactly once`, and fails if a page still failed
    /// after its retries.
    ///
    /// # Errors
    /// If the file cannot be read or renamed, has a line without a page in
    /// range, or does not match the account; or if a page failed.
    pub fn results_file(part: &Path, out: &Path, pages: u32, account: &Account) -> Result<()> {
        account.print();
        let text = std::fs::read_to_string(part).context("cannot read the results file back")?;
        let mut per_page = vec![0; pages as usize + 1];
        for line in text.lines() {
            let page = line.split('\t').next().unwrap_or_default();
            let page: usize = page.parse().context("a line without a page number")?;
            *per_page.get_mut(page).context("a page out of range")? += 1;
        }
        let lines = text.lines().count();
        let in_file = per_page.iter().filter(|&&n| n > 0).count();
        let wrong: Vec<u32> = (1..=pages)
            .filter(|&n| ![0, posts_on_page(n)].contains(&per_page[n as usize]))
            .collect();
        ensure!(wrong.is_empty(), "pages {wrong:?} are not in the file once");
        let fetched = account.ok() + account.retried();
        ensure!(in_file == fetched, "{in_file} pages in the file, but {fetched} fetched");
        let to = || format!("cannot rename {} to {}", part.display(), out.display());
        std::fs::rename(part, out).with_context(to)?;
        println!("results: {} ({lines} lines)", out.display());
        println!("check: {lines} posts in the file, each of {in_file} fetched pages exactly once");
        account.check() // exit 1 only if a page still failed after its retries
    }

    /// `crawler`'s end: each crawl's account (`(crawl, (account, post
    /// links))`, named like `the single-thread crawl`) must have no failed
    /// page; then prints `check: <the crawl, or both crawls> found N post links
    /// on P pages, as expected` and returns N (each crawl's `tally` checked it
    /// page by page, so they agree).
    ///
    /// # Errors
    /// If a crawl has a page that failed after its retries, named by its crawl.
    pub fn crawls(accounts: &[(&str, (Account, usize))], pages: u32) -> Result<usize> {
        for (crawl, (account, _)) in accounts {
            account.check().map_err(|e| anyhow::anyhow!("{crawl}: {e}"))?;
        }
        let crawls = if accounts.len() == 1 { accounts[0].0 } else { "both crawls" };
        let found = accounts.first().map_or(0, |(_, (_, found))| *found);
        println!("check: {crawls} found {found} post links on {pages} pages, as expected");
        Ok(found)
    }

    /// `crawler`'s last step (in the full demo only): the post links are
    /// absolute, as on the original blog, so follow the first one on page 1
    /// (if page 1 was fetched) and check that it is the post it names; prints
    /// `followed <href>: "<title>"`.
    ///
    /// # Errors
    /// If page 1 has no post, or the post cannot be fetched or is another.
    pub fn follow_first_post(page_1: &Fetched, retry: &Retry) -> Result<()> {
        let Ok(html) = &page_1.body else {
            return Ok(()); // page 1 failed: in the account already
        };
        let post = parse_posts(html).into_iter().next();
        let post = post.context("page 1 has no post")?;
        let page = fetch_with_retry(&post.href, retry).body;
        let page = page.with_context(|| format!("following {}", post.href))?;
        ensure!(page.contains(&post.title), "{} is not {:?}", post.href, post.title);
        println!("followed {}: {:?}", post.href, post.title);
        Ok(())
    }
}

/// Tasks that finish in a chosen order, released through channels instead of
/// racing sleeps: `result_orders`. Task `order[k]` waits on its own channel
/// for its turn `k`, and whoever holds the next sender (the task itself, or
/// main) passes `k + 1` on to task `order[k + 1]`.
pub mod turns {
    use anyhow::{Result, ensure};
    use crossbeam::channel::{Receiver, Sender, bounded};

    /// The most tasks a chain takes (each needs a thread while it waits).
    pub const MAX_TASKS: usize = 64;

    /// One task of a chain: `(index, turn, next)`; `turn` brings its rank,
    /// `next` is the turn of the task that finishes after it (`None` for the last).
    pub type Turn = (usize, Receiver<u32>, Option<Sender<u32>>);

    /// `rank[i]`: when task `i` finishes, for `order`, a permutation of `0..n`
    /// with 1 <= n <= [`MAX_TASKS`].
    fn ranks(order: &[usize]) -> Result<Vec<usize>> {
        let n = order.len();
        let mut rank = vec![usize::MAX; n];
        for (k, &i) in order.iter().enumerate() {
            ensure!(i < n && rank[i] == usize::MAX, "{order:?} is not a permutation of 0..{n}");
            rank[i] = k;
        }
        ensure!((1..=MAX_TASKS).contains(&n), "1 to {MAX_TASKS} tasks, not {n}");
        Ok(rank)
    }

    /// Parses `--finish-order`: comma-separated task indexes, a permutation
    /// of `0..n` (1 <= n <= [`MAX_TASKS`]), e.g. `4,1,3,0,2`.
    ///
    /// # Errors
    /// A message clap prints as the flag's error.
    pub fn finish_order(s: &str) -> Result<Vec<usize>, String> {
        let order: Result<Vec<usize>, _> = s.split(',').map(|i| i.trim().parse()).collect();
        let order = order.map_err(|_| format!("{s} is not a list of indexes like 4,1,3,0,2"))?;
        ranks(&order).map_err(|e| e.to_string())?;
        Ok(order)
    }

    /// The chain for `order`, a permutation of `0..n` (1 <= n <= [`MAX_TASKS`]):
    /// the sender that starts it (send `0`) and one [`Turn`] per task, by index.
    ///
    /// # Errors
    /// If `order` is empty, too long, or not a permutation.
    pub fn turns(order: &[usize]) -> Result<(Sender<u32>, Vec<Turn>)> {
        let rank = ranks(order)?;
        let chans: Vec<(Sender<u32>, Receiver<u32>)> = order.iter().map(|_| bounded(1)).collect();
        let tasks = rank.iter().enumerate().map(|(i, &r)| {
            let next = chans.get(r + 1).map(|(tx, _)| tx.clone());
            (i, chans[r].1.clone(), next)
        });
        Ok((chans[0].0.clone(), tasks.collect()))
    }

    /// `result_orders`' self-check: `as_completed` (`completed`,
    /// `(index, result)` pairs) yielded the tasks in `order`, and re-sorted by
    /// index (`resorted`) it gives `mapped`, map's results; then prints
    /// `check: map and the re-sorted results are both in input order [...]`.
    ///
    /// # Errors
    /// If either does not hold.
    pub fn check(
        order: &[usize],
        mapped: &[u32],
        completed: &[(usize, u32)],
        resorted: &[(usize, u32)],
    ) -> Result<()> {
        let in_order = completed.iter().map(|&(i, _)| i).eq(order.iter().copied());
        ensure!(in_order, "as_completed was not in finishing order: {completed:?}");
        let back =
            resorted.iter().enumerate().all(|(k, &(i, r))| k == i && mapped.get(i) == Some(&r));
        ensure!(back, "map and the re-sorted results differ");
        println!("check: map and the re-sorted results are both in input order {mapped:?}");
        Ok(())
    }

    /// A task that does nothing but wait for its turn, then pass it on to
    /// `next` (if given); returns its turn, i.e. its finishing rank.
    ///
    /// # Panics
    /// If the sender of its turn is dropped unsent, which happens only when
    /// the task before it panicked: that panic is re-raised here.
    pub fn task(i: usize, turn: Receiver<u32>, next: Option<Sender<u32>>) -> u32 {
        shared::event!("task {i}: waiting for its turn");
        let rank = turn.recv().expect("the task before this one panicked");
        shared::event!("task {i}: done (turn {rank})");
        if let Some(next) = next {
            let _ = next.send(rank + 1); // bounded(1), sent once: never blocks
        }
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_need_a_permutation() {
        let long: Vec<usize> = (0..65).collect();
        for bad in [&[][..], &[0, 0], &[1, 2], &long] {
            assert!(turns::turns(bad).is_err(), "{bad:?}");
        }
        for bad in ["", "1,1", "0,2", "x", "0,-1"] {
            assert!(turns::finish_order(bad).is_err(), "{bad}");
        }
        assert_eq!(turns::finish_order("2, 0,1"), Ok(vec![2, 0, 1]));
        let (first, tasks) = turns::turns(&[1, 0]).unwrap();
        first.send(0).unwrap();
        let mut tasks = tasks.into_iter();
        let (i0, t0, n0) = tasks.next().unwrap();
        let (i1, t1, n1) = tasks.next().unwrap();
        assert_eq!(turns::task(i1, t1, n1), 0, "task 1 finishes first");
        assert_eq!(turns::task(i0, t0, n0), 1);
    }
}
