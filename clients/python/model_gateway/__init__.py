"""Model Gateway's Python client, on the standard library alone (pandas is optional)."""

from .client import Gateway, GatewayError, Job, Prediction, Result, Upload, read_inputs, to_dataframe

__all__ = ["Gateway", "GatewayError", "Job", "Prediction", "Result", "Upload", "read_inputs", "to_dataframe"]
__version__ = "0.1.0"
