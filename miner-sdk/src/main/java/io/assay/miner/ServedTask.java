package io.assay.miner;

import io.assay.task.Task;

/** One task a miner serves: what it offers, the task bound to it and its capacity ledger. */
record ServedTask(TaskOffer offer, Task task, CapacityLedger ledger) {}
