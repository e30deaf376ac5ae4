"""daemon=True: a daemonic child process is terminated when the main process exits.

Twin of examples-processes/src/bin/daemon_proc.rs. The note (003):
主进程会等待子进程执行结束以后才结束，可以设置 daemon=True 守护主进程，使得主进程执行结束以后，子进程自动销毁，程序结束
("the main process waits for its children to finish before it ends; set
daemon=True and the children are destroyed when the main process ends").

--mode kill (default): Process(daemon=True); at exit multiprocessing
terminates it (SIGTERM on Unix). --mode join: Process(daemon=False), the
default; at exit the interpreter joins it. --mode detach (added here):
subprocess.Popen of this file as the worker, never waited for: like Rust's
dropped Child it runs on after main exits.

    python3 examples-processes/python/daemon_proc.py
    python3 examples-processes/python/daemon_proc.py --mode join --worker-secs 2
    python3 examples-processes/python/daemon_proc.py --mode detach --worker-secs 2
"""
import argparse, multiprocessing, os, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() on one clock for every process, argument types: shared/python/blog_spider.py


def worker(total):
    blog_spider.log(f"running in pid {os.getpid()}", "worker")  # "worker": the lines' name
    for i in range(1, 11):
        blog_spider.log(f"step {i}/10", "worker")
        time.sleep(total / 10)
    blog_spider.log("worker finished", "worker")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker-secs", type=blog_spider.seconds(), default=10.0)
    p.add_argument("--main-secs", type=blog_spider.seconds(), default=1.0)
    p.add_argument("--mode", choices=["kill", "join", "detach"], default="kill")
    p.add_argument("--role", choices=["worker"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.role == "worker":
        sys.exit(worker(args.worker_secs))
    if args.mode == "detach":
        cmd = [sys.executable, "-u", __file__, "--role", "worker", "--worker-secs", str(args.worker_secs)]
        p = subprocess.Popen(cmd)
    else:
        ctx = multiprocessing.get_context("spawn")
        p = ctx.Process(target=worker, args=(args.worker_secs,), daemon=args.mode == "kill")
        p.start()
    blog_spider.log(f"started worker {p.pid}")
    time.sleep(args.main_secs)
    if args.mode == "kill":
        blog_spider.log("main returns: multiprocessing terminates the worker at exit (daemon=True)")
    elif args.mode == "join":
        blog_spider.log("waiting for the worker (daemon=False)")
        p.join()  # what the interpreter would do at exit anyway
        blog_spider.log(f"worker exited: exit code {p.exitcode}")
    else:
        blog_spider.log("main returns; the worker runs on without it")
