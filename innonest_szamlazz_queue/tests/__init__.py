from . import test_queue_processing
