"""Many texts, one command: inputs, workers (processes or Dask), resumable output, summary table, report.

``run_batch(BatchOptions(...))`` is what ``annotator batch`` calls; the modules are imported lazily by it.
"""

from annotator.batch.inputs import BatchError, InputSpec, Record
from annotator.batch.run import BatchOptions, BatchStats, run_batch
from annotator.batch.work import EngineSpec

__all__ = ["BatchError", "BatchOptions", "BatchStats", "EngineSpec", "InputSpec", "Record", "run_batch"]
