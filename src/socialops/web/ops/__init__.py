"""Operations: health and readiness, Prometheus metrics, structured logs with request ids."""
