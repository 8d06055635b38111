FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY core core
COPY auction auction
COPY bidding_engine bidding_engine
COPY settlement settlement
COPY web web
RUN pip install --no-cache-dir . && useradd --system --create-home auction
USER auction
EXPOSE 8000 8001
CMD ["auction", "serve", "--host", "0.0.0.0"]
