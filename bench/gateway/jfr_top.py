"""Summarises `jfr print --events jdk.ExecutionSample` (stdin): hottest methods by self
samples and by inclusive samples, over the threads that do the request work (Vert.x event
loops, Netty threads, the embedded checking server, Lettuce), with the share of each group."""
import collections
import re
import sys

GROUPS = (("event loops", "eventloop"), ("checking", "assay-check"),
          ("lettuce", "lettuce"), ("netty", "nioEventLoop"))
text = sys.stdin.read()
self_time, inclusive, groups = collections.Counter(), collections.Counter(), collections.Counter()
loop_self, loop_inclusive = collections.Counter(), collections.Counter()
total = 0
for sample in text.split("jdk.ExecutionSample")[1:]:
    thread = re.search(r'sampledThread = "([^"]*)"', sample)
    frames = re.findall(r"^\s+([\w$.<>]+)\(", sample, re.M)
    if not thread or not frames:
        continue
    group = next((g for g, needle in GROUPS if needle in thread.group(1)), "other")
    groups[group] += 1
    total += 1
    self_time[frames[0]] += 1
    for f in set(frames):
        inclusive[f] += 1
    if group == "event loops":
        loop_self[frames[0]] += 1
        for f in set(frames):
            loop_inclusive[f] += 1
print(f"samples: {total}; by thread group: "
      + ", ".join(f"{g} {100 * c / total:.0f} %" for g, c in groups.most_common()))
print("\nself (top 25)")
for f, c in self_time.most_common(25):
    print(f"{100 * c / total:5.1f} %  {f}")
print("\ninclusive (top 60)")
for f, c in inclusive.most_common(60):
    print(f"{100 * c / total:5.1f} %  {f}")

loops = groups["event loops"]
if loops:
    print(f"\nevent loops only ({loops} samples): self (top 25)")
    for f, c in loop_self.most_common(25):
        print(f"{100 * c / loops:5.1f} %  {f}")
    print(f"\nevent loops only: inclusive (top 60)")
    for f, c in loop_inclusive.most_common(60):
        print(f"{100 * c / loops:5.1f} %  {f}")
