//! shared/python/blog_spider.py, the twins' one helper module, against its
//! Rust originals: the same account lines for the same faulty site, the
//! same answers and digests, bad values refused with one line, spans
//! written at exit (worker processes too), a missing site said in one line.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use shared::crawl::{Account, Retry, fetch_with_retry};
use shared::run::{RunOutput, checks::TempSpans, run_with_timeout};
use shared::site::{Faults, Site, SiteConfig};

fn module_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// Runs `code` with python3, after `import blog_spider`, with `args` as sys.argv[1:].
fn python(code: &str, args: &[&str], env: &[(&str, &str)]) -> RunOutput {
    let mut cmd = Command::new("python3");
    let script = format!(
        "import sys; sys.path.insert(0, {:?})\nimport blog_spider\n{code}",
        module_dir().display().to_string()
    );
    cmd.arg("-u").arg("-c").arg(script).args(args);
    cmd.env_remove(shared::spans::SPANS_ENV)
        .env_remove(shared::spans::ROOT_ENV)
        .env_remove(shared::timing::EPOCH_ENV);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_timeout(cmd, Duration::from_secs(60)).expect("python3 starts")
}

fn faulty_site() -> Site {
    Site::start(SiteConfig {
        pages: 20,
        latency: Duration::ZERO,
        faults: Faults { error_rate: 0.5, drop_rate: 0.2, seed: 7, ..Faults::default() },
        ..SiteConfig::default()
    })
    .unwrap()
}

#[test]
fn account_lines_are_rusts_for_the_same_faulty_site() {
    let site = faulty_site();
    let mut account = Account::new();
    for url in site.page_urls() {
        account.record(&fetch_with_retry(&url, &Retry::default()));
    }
    let rust: Vec<String> = account.lines().iter().map(|l| l.replace(site.url(), "BASE")).collect();
    assert!(account.retried() > 0 && account.failed() > 0, "{rust:?}");

    let site = faulty_site(); // fresh: the same requests meet the same faults
    let code = "\
args = blog_spider.add_crawl_args(__import__('argparse').ArgumentParser()).parse_args()
account = blog_spider.Account()
for url in blog_spider.urls(args):
    account.record(blog_spider.fetch(url, args))
account.print()
print('posts', account.posts)
account.check()";
    let out = python(code, &["--site", site.url(), "--pages", "20"], &[]);
    assert_eq!(out.code, Some(1), "a page failed: {}", out.dump());
    let twin: Vec<String> = out
        .stdout
        .lines()
        .filter(|l| !l.starts_with("posts"))
        .map(|l| l.replace(site.url(), "BASE"))
        .collect();
    assert_eq!(twin, rust, "{}", out.dump());
    let error = format!("error: {} of 20 pages failed after their retries", account.failed());
    assert_eq!(out.stderr.trim(), error, "{}", out.dump());
    // asyncio's fetch, one page after another, names the same faults
    let site = faulty_site();
    let code = "\
import asyncio
args = blog_spider.add_crawl_args(__import__('argparse').ArgumentParser()).parse_args()
async def crawl(account):
    for url in blog_spider.urls(args):
        account.record(await blog_spider.async_fetch(url, args))
    return account
asyncio.run(crawl(blog_spider.Account())).print()";
    let run = python(code, &["--site", site.url(), "--pages", "20"], &[]);
    assert!(run.success(), "{}", run.dump());
    let lines: Vec<String> = run.stdout.lines().map(|l| l.replace(site.url(), "BASE")).collect();
    assert_eq!(lines, rust, "{}", run.dump());
    // a page that does not exist (a site without faults) is not retried
    // (HTTP 404), by either client;
    // the backoff doubles from 50 ms, as Rust's
    let code = "\
import asyncio
args = blog_spider.add_crawl_args(__import__('argparse').ArgumentParser()).parse_args()
missing = blog_spider.urls(args)[0].replace('/p/1', '/p/999')
for f in [blog_spider.fetch(missing, args), asyncio.run(blog_spider.async_fetch(missing, args))]:
    print(f.attempts, f.error)
print([round(blog_spider.delay(n), 3) for n in (1, 2, 3, 9)])";
    let site =
        Site::start(SiteConfig { pages: 2, latency: Duration::ZERO, ..SiteConfig::default() })
            .unwrap();
    let run = python(code, &["--site", site.url(), "--pages", "2"], &[]);
    let f = fetch_with_retry(&format!("{}/sitehome/p/999", site.url()), &Retry::default());
    let r = Retry::default();
    let delays: Vec<String> =
        [1, 2, 3, 9].iter().map(|&n| format!("{}", r.delay(n).as_secs_f64())).collect();
    let want =
        format!("{0} {1}\n{0} {1}\n[{2}]\n", f.attempts(), f.body.unwrap_err(), delays.join(", "));
    assert_eq!(run.stdout, want, "{}", run.dump());
    // the post links of the pages fetched, checked page by page
    let fetched_posts: usize = (1..=20u32)
        .filter(|&n| !rust.iter().any(|l| l.starts_with(&format!("failed: BASE/sitehome/p/{n} "))))
        .map(shared::site::posts_on_page)
        .sum();
    assert!(out.stdout.contains(&format!("posts {fetched_posts}\n")), "{}", out.dump());
}

#[test]
fn answers_workloads_and_cost_lines_are_rusts() {
    let code = "\
bs = blog_spider
print(bs.crawl_answer(727, 50)); print(bs.primes_answer([True, True, False]))
print(bs.sha_answer([bs.sha_job(1024, s) for s in range(3)]))
print(bs.is_prime(bs.PRIMES[0]), bs.is_prime(112272535095295), [n for n in range(30) if bs.is_prime(n)])
print(bs.posts_on_page(1), bs.expected_posts(50), bs.page_of('http://h:1/sitehome/p/12'))
bs.cost('single thread', 1.2345); bs.answer('42'); bs.log('hello'); bs.log('as another', 'read_file')
import asyncio
async def task(): bs.log('from a task')
asyncio.run(task())
async def named(): await asyncio.create_task(task(), name='craw-3')
asyncio.run(named())";
    let out = python(code, &[], &[]);
    assert!(out.success(), "{}", out.dump());
    let digests: Vec<String> = (0..3).map(|s| shared::workload::sha_job(1024, s)).collect();
    let small: Vec<String> =
        (0..30u64).filter(|&n| shared::workload::is_prime(n)).map(|n| n.to_string()).collect();
    let want = [
        shared::report::crawl_answer(727, 50),
        shared::report::primes_answer(&[true, true, false]),
        shared::report::sha_answer(&digests),
        format!("True False [{}]", small.join(", ")),
        format!("{} {} 12", shared::site::posts_on_page(1), shared::site::expected_posts(50)),
        shared::timing::cost_line("single thread", Duration::from_micros(1_234_500)),
        "answer: 42".to_string(),
    ];
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(&lines[..want.len()], &want, "{}", out.dump());
    let said: Vec<(String, String)> =
        out.events().into_iter().map(|(_, who, msg)| (who, msg)).collect();
    assert_eq!(said[0], ("main".into(), "hello".into()), "{}", out.dump());
    assert_eq!(said[1], ("read_file".into(), "as another".into()));
    assert_eq!(said[2].1, "from a task", "{}", out.dump());
    assert!(said[2].0.starts_with("Task-"), "{}", out.dump());
    assert_eq!(said[3], ("craw-3".into(), "from a task".into()));
}

#[test]
fn bad_values_are_one_argparse_error_line_and_exit_2() {
    let code = "\
import argparse
p = blog_spider.add_crawl_args(argparse.ArgumentParser())
p.add_argument('--n', type=blog_spider.count(1, 10), default=1)
p.add_argument('--delay', type=blog_spider.seconds(0, 10), default=0)
p.add_argument('--tick', type=blog_spider.positive_seconds, default=1)
print(vars(p.parse_args()))";
    let good = python(code, &["--site", "http://127.0.0.1:9/", "--tick", "0.5"], &[]);
    assert!(good.success(), "{}", good.dump());
    assert!(good.stdout.contains("'site': 'http://127.0.0.1:9'"), "{}", good.dump());
    let bad: [&[&str]; 17] = [
        &["--pages", "0"],
        &["--pages", "100001"],
        &["--pages", "ten"],
        &["--attempts", "21"],
        &["--timeout", "nan"],
        &["--timeout", "0"],
        &["--timeout", "601"],
        &["--site", "abc"],
        &["--site", "127.0.0.1:8000"],
        &["--site", "https://x"],
        &["--n", "11"],
        &["--delay", "-1"],
        &["--delay", "inf"],
        &["--delay", "11"],
        &["--tick", "0"],
        &["--tick", "nan"],
        &["--tick", "3601"],
    ];
    for args in bad {
        let out = python(code, args, &[]);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.dump());
        let errors: Vec<&str> = out.stderr.lines().filter(|l| l.contains("error:")).collect();
        assert_eq!(errors.len(), 1, "{args:?}: {}", out.dump());
        assert!(!out.stderr.contains("Traceback"), "{}", out.dump());
    }
    let out = python(code, &["--site", "abc"], &[]);
    assert!(out.stderr.contains("give it as http://HOST:PORT"), "{}", out.dump());
}

#[test]
fn no_site_is_one_line_and_exit_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let site = format!("http://127.0.0.1:{port}");
    let code = "\
args = blog_spider.add_crawl_args(__import__('argparse').ArgumentParser()).parse_args()
print(len(blog_spider.urls(args)))";
    let out = python(code, &["--site", &site], &[]);
    assert_eq!(out.code, Some(1), "{}", out.dump());
    assert_eq!(out.stdout, "", "{}", out.dump());
    assert_eq!(
        out.stderr,
        format!(
            "error: no blog site at {site} (connection refused): start one with `cargo run -p shared --bin blog-site`\n"
        )
    );
    // the same words as the Rust crawlers' error
    let rust = shared::site::SiteGuard::open(Some(&site), SiteConfig::default()).unwrap_err();
    assert!(out.stderr.contains(&format!("{rust:#}")), "{rust:#}");
}

#[test]
fn spans_are_written_at_exit_by_workers_too_and_a_bad_path_is_one_line() {
    let site =
        Site::start(SiteConfig { pages: 2, latency: Duration::ZERO, ..SiteConfig::default() })
            .unwrap();
    let spans = TempSpans::new("blog-spider");
    let code = "\
import concurrent.futures as cf, threading
bs = blog_spider
bs.log('start')
with bs.timed('two pages'):
    t = threading.Thread(target=bs.craw, args=(bs.urls(bs.add_crawl_args(__import__('argparse').ArgumentParser()).parse_args())[0],), name='craw-1')
    t.start(); t.join()
bs.is_prime(bs.PRIMES[0] // 1000 * 1000 + 1); bs.is_prime(7)
with cf.ProcessPoolExecutor(1) as pool:
    print('digest', list(pool.map(bs.sha_job, [64], [5]))[0])";
    let out = python(
        code,
        &["--site", site.url(), "--pages", "2"],
        &[(shared::spans::SPANS_ENV, spans.arg())],
    );
    assert!(out.success(), "{}", out.dump());
    let got = spans.spans(&out);
    let has = |name: &str, what: &str| got.iter().any(|s| s.name == name && s.what == what);
    assert!(has("main", "start"), "{got:#?}");
    assert!(has("main", "two pages"), "{got:#?}");
    assert!(has("craw-1", "page 1"), "{got:#?}");
    let n = 112_272_535_095_293_u64 / 1000 * 1000 + 1;
    assert!(has("main", &format!("is_prime {n}")), "{got:#?}");
    assert!(!got.iter().any(|s| s.what == "is_prime 7"), "{got:#?}");
    let worker = got
        .iter()
        .find(|s| s.what == "sha seed 5")
        .unwrap_or_else(|| panic!("no worker span: {got:#?}"));
    assert!(worker.name.starts_with("main (pid ") && worker.name.ends_with(')'), "{worker:?}");
    let start = got.iter().find(|s| s.what == "start").unwrap();
    assert_eq!(start.start, start.end, "a log line is a mark");
    assert_eq!(
        got.iter().filter(|s| s.what == "start").count(),
        1,
        "a forked worker does not write its parent's spans again"
    );
    assert!(
        out.stdout.contains(&format!("digest {}", shared::workload::sha_job(64, 5))),
        "{}",
        out.dump()
    );

    let bad = shared::run::checks::missing_spans_path();
    let out = python("print('ran')", &[], &[(shared::spans::SPANS_ENV, bad.as_str())]);
    assert_eq!(out.code, Some(1), "{}", out.dump());
    assert_eq!(out.stdout, "", "{}", out.dump());
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 1, "{}", out.dump());
    assert!(errors[0].starts_with("error: cannot create the spans file"), "{}", out.dump());
}

#[test]
fn the_clock_is_shared_with_a_parent() {
    // A parent that started 2 s ago (its epoch in the environment).
    let t0 = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        - 2_000_000_000;
    let out =
        python("blog_spider.log('late')", &[], &[(shared::timing::EPOCH_ENV, &t0.to_string())]);
    let (t, _, _) = out.events()[0].clone();
    assert!((2.0..3.0).contains(&t), "{}", out.dump());
    let out = python("blog_spider.log('early')", &[], &[]);
    assert!(out.events()[0].0 < 1.0, "{}", out.dump());
}

#[test]
fn a_closed_stdout_is_ignored_as_rust_ignores_it() {
    let script = format!(
        "import sys; sys.path.insert(0, {:?})\nimport blog_spider\nimport time; time.sleep(0.2)\n\
         for i in range(1000): blog_spider.log(i)\nblog_spider.cost('x', 1); blog_spider.answer('y')",
        module_dir().display().to_string()
    );
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // `twin.py | head -0`
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no BrokenPipeError");
}
