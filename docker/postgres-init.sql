-- Retriever's destination database, beside Temporal's own.
CREATE DATABASE retriever;
