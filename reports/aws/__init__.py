"""AWS: the only home of boto3 (SES, S3, SQS) and the Lambda handlers."""
