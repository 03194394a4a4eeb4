use std::collections::BTreeMap;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};

/// An SQS client of the moto server at `endpoint` (region eu-west-3, dummy credentials).
pub async fn sqs_client(endpoint: &str) -> Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("eu-west-3"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new("test", "test", None, None, "test"))
        .load()
        .await;
    Client::new(&config)
}

/// A fresh jobs queue and its dead-letter queue in moto (unique names), the jobs queue
/// redriving to the dead-letter queue after `max_receive_count` receives, as in AWS.
pub struct TestQueues {
    /// A client of the moto server.
    pub client: Client,
    /// moto's URL, for `AWS_ENDPOINT_URL` of child processes.
    pub endpoint: String,
    /// The jobs queue.
    pub queue_url: String,
    /// Its dead-letter queue.
    pub dlq_url: String,
}

/// A message read back from a queue.
#[derive(Debug, Clone)]
pub struct QueuedMessage {
    /// The body.
    pub body: String,
    /// The string message attributes.
    pub attributes: BTreeMap<String, String>,
}

impl TestQueues {
    /// Creates both queues in the moto server of [`crate::moto_endpoint`].
    pub async fn create(max_receive_count: u32) -> Self {
        let endpoint = crate::moto_endpoint().await;
        let client = sqs_client(&endpoint).await;
        let name = format!("ycyw-jobs-{}", uuid::Uuid::now_v7().simple());
        let dlq_url = create_queue(&client, &format!("{name}-dlq"), &[]).await;
        let dlq_arn = attribute(&client, &dlq_url, QueueAttributeName::QueueArn).await.unwrap_or_default();
        let redrive = serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count.to_string() }).to_string();
        let queue_url = create_queue(&client, &name, &[(QueueAttributeName::RedrivePolicy, redrive)]).await;
        Self { client, endpoint, queue_url, dlq_url }
    }

    /// Sends `body` as is to the jobs queue (a message no relay would write).
    pub async fn send_raw(&self, url: &str, body: &str) {
        if let Err(e) = self.client.send_message().queue_url(url).message_body(body).send().await {
            panic!("sending to {url}: {}", DisplayErrorContext(e));
        }
    }

    /// Messages in `url`, visible, in flight or delayed (SQS's approximate counts, exact in moto).
    pub async fn count(&self, url: &str) -> u64 {
        let mut total = 0;
        for name in [
            QueueAttributeName::ApproximateNumberOfMessages,
            QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            QueueAttributeName::ApproximateNumberOfMessagesDelayed,
        ] {
            total += attribute(&self.client, url, name).await.and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
        }
        total
    }

    /// Up to 10 visible messages of `url`, read and left visible (each read counts as a receive).
    pub async fn peek(&self, url: &str) -> Vec<QueuedMessage> {
        let output = self
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .unwrap_or_else(|e| panic!("receiving from {url}: {}", DisplayErrorContext(e)));
        output
            .messages()
            .iter()
            .map(|message| QueuedMessage {
                body: message.body().unwrap_or_default().to_string(),
                attributes: message
                    .message_attributes()
                    .map(|attributes| {
                        attributes.iter().filter_map(|(name, value)| Some((name.clone(), value.string_value()?.to_string()))).collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Deletes the jobs queue (a queue that went away, for readiness checks).
    pub async fn delete_jobs_queue(&self) {
        if let Err(e) = self.client.delete_queue().queue_url(&self.queue_url).send().await {
            panic!("deleting {}: {}", self.queue_url, DisplayErrorContext(e));
        }
    }

    /// The environment a child process needs to reach both queues with `QUEUE=sqs`.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("QUEUE", "sqs".into()),
            ("SQS_QUEUE_URL", self.queue_url.clone()),
            ("SQS_DLQ_URL", self.dlq_url.clone()),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", "eu-west-3".into()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
        ]
    }
}

async fn create_queue(client: &Client, name: &str, attributes: &[(QueueAttributeName, String)]) -> String {
    let mut request = client.create_queue().queue_name(name);
    for (key, value) in attributes {
        request = request.attributes(key.clone(), value);
    }
    match request.send().await {
        Ok(output) => output.queue_url().unwrap_or_default().to_string(),
        Err(e) => panic!("creating queue {name} in moto: {}", DisplayErrorContext(e)),
    }
}

async fn attribute(client: &Client, url: &str, name: QueueAttributeName) -> Option<String> {
    let output = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("attributes of {url}: {}", DisplayErrorContext(e)));
    output.attributes().and_then(|attributes| attributes.get(&name)).cloned()
}
