"""Python heapq reference for `relsim bench`: the same M/M/c model as bench/mmc.ts, the
usual hand-written way (tuples on heapq, random.expovariate, a deque of arrival times).
SimPy cannot be installed here; /work/shared/research/des-performance.md measured SimPy
4.1.2 at 7x slower than this loop, so it stands in as the slow reference.

    python3 mmc.py <c> <lambda> <mu> <customers> <warmupCustomers> <seed>   # one JSON line
"""
import heapq
import json
import random
import sys
import time
from collections import deque

ARRIVE, DEPART = 0, 1


def main(c, lam, mu, customers, warmup, seed):
    rng = random.Random(seed)
    expo = rng.expovariate
    heap = []
    push, pop = heapq.heappush, heapq.heappop
    queue = deque()
    state = {"now": 0.0, "seq": 0, "busy": 0, "arrivals": 0, "started": 0, "events": 0, "wait": 0.0}

    push(heap, (expo(lam), 0, ARRIVE))
    state["seq"] = 1

    def run(until):
        now, seq, busy = state["now"], state["seq"], state["busy"]
        arrivals = started = events = 0
        wait = 0.0
        while heap and heap[0][0] <= until:
            now, _, kind = pop(heap)
            events += 1
            if kind == ARRIVE:
                arrivals += 1
                push(heap, (now + expo(lam), seq, ARRIVE))
                seq += 1
                if busy < c:
                    busy += 1
                    started += 1
                    push(heap, (now + expo(mu), seq, DEPART))
                    seq += 1
                else:
                    queue.append(now)
            elif queue:
                wait += now - queue.popleft()
                started += 1
                push(heap, (now + expo(mu), seq, DEPART))
                seq += 1
            else:
                busy -= 1
        state.update(now=now, seq=seq, busy=busy, arrivals=arrivals, started=started, events=events, wait=wait)

    run(warmup / lam)
    c0 = time.process_time()
    t0 = time.perf_counter()
    run(state["now"] + customers / lam)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({"customers": state["arrivals"], "events": state["events"], "wallMs": wall * 1e3, "cpuMs": cpu * 1e3,
                      "meanWait": state["wait"] / state["started"]}))


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit("usage: mmc.py <c> <lambda> <mu> <customers> <warmupCustomers> <seed>")
    a = sys.argv[1:]
    main(int(a[0]), float(a[1]), float(a[2]), float(a[3]), float(a[4]), int(a[5]))
