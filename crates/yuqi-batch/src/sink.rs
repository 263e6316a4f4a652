//! Writing the judged messages where they are computed: one Parquet writer per partition.
//!
//! DataFusion writes a query's output (`COPY … TO`, `DataFrame::write_parquet`) from a single
//! partition: its `DataSinkExec` requires one input partition, so the planner gathers every
//! partition into it first. On a Ballista cluster that gathering is a stage of its own with one
//! task: all judged messages crossed to one executor, which wrote them while the others idled
//! (a fifth of a two-executor run at 10 M; docs/batch.md). [`PartitionedSinkExec`] takes the
//! sink's place and runs the same sink once per input partition, in that partition's task,
//! so each executor writes what it judged. The files are the engine's own (its Parquet options,
//! its file names: a random prefix per write, so the writers never collide).
//!
//! Where it is put in: [`QueryPlanner`] plans as DataFusion does and then replaces a root
//! `DataSinkExec` that writes Parquet files into a directory ([`partition_writes`]). Locally that
//! is the session's planner ([`crate::cluster::local_context_with`]); on a cluster it is the
//! scheduler's, whose sessions plan every job. The node travels to the executors as protobuf:
//! [`SinkCodec`] carries the sink as DataFusion's own `DataSinkExec` over an empty input, and
//! hands every other node to Ballista's codec, so the scheduler and the executors must both be
//! given it.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use ballista_core::serde::BallistaPhysicalExtensionCodec;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, Result, internal_datafusion_err, internal_err};
use datafusion::datasource::physical_plan::FileSink;
use datafusion::datasource::physical_plan::parquet::ParquetSink;
use datafusion::datasource::sink::DataSinkExec;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::execution_plan::{EvaluationType, SchedulingType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning,
    PlanProperties, ReplaceChildrenOptions, SendableRecordBatchStream, execute_input_stream,
};
use datafusion::physical_planner::{DefaultPhysicalPlanner, PhysicalPlanner};
use datafusion_proto::bytes::{
    physical_plan_from_bytes_with_extension_codec, physical_plan_to_bytes_with_extension_codec,
};
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use futures::StreamExt;

/// Runs a file sink once per input partition (see the module docs). Its output has one row per
/// partition, the number of rows that partition wrote.
#[derive(Debug)]
pub struct PartitionedSinkExec {
    input: Arc<dyn ExecutionPlan>,
    /// The sink, as DataFusion's own node over an empty input: what is serialised, and where
    /// the sink is taken from to write.
    carrier: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl PartitionedSinkExec {
    /// `carrier` must be a `DataSinkExec`; its input is not used.
    fn try_new(input: Arc<dyn ExecutionPlan>, carrier: Arc<dyn ExecutionPlan>) -> Result<PartitionedSinkExec> {
        if !carrier.is::<DataSinkExec>() {
            return internal_err!("PartitionedSinkExec needs a DataSinkExec, got {}", carrier.name());
        }
        let carrier = carrier.replace_children(vec![Arc::new(EmptyExec::new(input.schema()))], recompute())?;
        let properties = PlanProperties::new(
            EquivalenceProperties::new(carrier.schema()),
            Partitioning::UnknownPartitioning(input.output_partitioning().partition_count()),
            input.pipeline_behavior(),
            input.boundedness(),
        )
        // As DataFusion's DataSinkExec: it drives its input to the end before it yields.
        .with_scheduling_type(SchedulingType::Cooperative)
        .with_evaluation_type(EvaluationType::Eager);
        Ok(PartitionedSinkExec { input, carrier, properties: Arc::new(properties) })
    }
}

/// The carrier's sink node. `try_new` refused any other carrier, so the error is never seen;
/// it is an error rather than a panic because an executor runs this on plans it received.
fn sink_of(carrier: &Arc<dyn ExecutionPlan>) -> Result<&DataSinkExec> {
    carrier.downcast_ref::<DataSinkExec>().ok_or_else(|| internal_datafusion_err!("the carrier is not a DataSinkExec"))
}

fn recompute() -> ReplaceChildrenOptions {
    ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute)
}

impl DisplayAs for PartitionedSinkExec {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "PartitionedSinkExec: per partition, sink=")?;
        match sink_of(&self.carrier) {
            Ok(exec) => exec.sink().fmt_as(t, f),
            Err(_) => f.write_str("?"),
        }
    }
}

impl ExecutionPlan for PartitionedSinkExec {
    fn name(&self) -> &str {
        "PartitionedSinkExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    // Any partitioning will do, and none is worth a repartition: the writers follow the input.
    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input] = <[_; 1]>::try_from(children)
            .map_err(|c| DataFusionError::Internal(format!("PartitionedSinkExec has one input, got {}", c.len())))?;
        Ok(Arc::new(PartitionedSinkExec::try_new(input, self.carrier.clone())?))
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let sink_schema = sink_of(&self.carrier)?.sink().schema().clone();
        let data = execute_input_stream(self.input.clone(), sink_schema, partition, context.clone())?;
        let carrier = self.carrier.clone();
        let schema = self.carrier.schema();
        let count_schema = schema.clone();
        let stream = futures::stream::once(async move {
            let rows = sink_of(&carrier)?.sink().write_all(data, &context).await?;
            let column: datafusion::arrow::array::ArrayRef =
                Arc::new(datafusion::arrow::array::UInt64Array::from(vec![rows]));
            Ok(datafusion::arrow::record_batch::RecordBatch::try_new(count_schema, vec![column])?)
        })
        .boxed();
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, stream)))
    }
}

/// Replaces a root `DataSinkExec` that writes Parquet files into a directory (unsorted, not
/// partitioned by columns) with a [`PartitionedSinkExec`] over the partitions it would have
/// gathered. Any other plan is returned as it is.
pub fn partition_writes(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    let Some(exec) = plan.downcast_ref::<DataSinkExec>() else { return Ok(plan) };
    let Some(parquet) = exec.sink().downcast_ref::<ParquetSink>() else { return Ok(plan) };
    let config = parquet.config();
    let into_directory =
        config.table_paths.len() == 1 && !config.file_output_mode.single_file_output(&config.table_paths[0]);
    if exec.sort_order().is_some() || !config.table_partition_cols.is_empty() || !into_directory {
        return Ok(plan);
    }
    // The gathering the planner put in for the sink is what this node makes unnecessary.
    let input = match exec.input().downcast_ref::<CoalescePartitionsExec>() {
        Some(coalesce) if coalesce.fetch().is_none() => coalesce.input().clone(),
        _ => exec.input().clone(),
    };
    Ok(Arc::new(PartitionedSinkExec::try_new(input, plan.clone())?))
}

/// DataFusion's planner followed by [`partition_writes`].
#[derive(Debug, Default)]
pub struct QueryPlanner;

#[async_trait]
impl datafusion::execution::context::QueryPlanner for QueryPlanner {
    async fn create_physical_plan(
        &self,
        logical_plan: &LogicalPlan,
        session: &dyn datafusion::catalog::Session,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = DefaultPhysicalPlanner::default().create_physical_plan(logical_plan, session).await?;
        partition_writes(plan)
    }
}

/// Ballista's codec plus [`PartitionedSinkExec`] (see the module docs).
#[derive(Debug, Default)]
pub struct SinkCodec {
    ballista: BallistaPhysicalExtensionCodec,
}

/// Marks our node's bytes; Ballista's own nodes are protobuf messages, which never start with it.
const TAG: &[u8] = b"yuqi.PartitionedSinkExec\0";

impl PhysicalExtensionCodec for SinkCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let Some(carrier) = buf.strip_prefix(TAG) else {
            return self.ballista.try_decode(buf, inputs, ctx, proto_converter);
        };
        let [input] = inputs else {
            return internal_err!("PartitionedSinkExec has one input, got {}", inputs.len());
        };
        let carrier = physical_plan_from_bytes_with_extension_codec(carrier, ctx, &self.ballista)?;
        Ok(Arc::new(PartitionedSinkExec::try_new(input.clone(), carrier)?))
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        let Some(sink) = node.downcast_ref::<PartitionedSinkExec>() else {
            return self.ballista.try_encode(node, buf, proto_converter);
        };
        buf.extend_from_slice(TAG);
        buf.extend_from_slice(&physical_plan_to_bytes_with_extension_codec(sink.carrier.clone(), &self.ballista)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::physical_plan::displayable;
    use datafusion::prelude::SessionContext;

    async fn write_plan(ctx: &SessionContext, to: &str) -> Arc<dyn ExecutionPlan> {
        ctx.sql(&format!("COPY (SELECT * FROM (VALUES (1), (2), (3)) AS t(x)) TO '{to}' STORED AS PARQUET"))
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap()
    }

    /// The scan's own local session, which plans with [`QueryPlanner`].
    fn session(partitions: usize) -> SessionContext {
        crate::cluster::local_context(Some(partitions)).unwrap()
    }

    #[tokio::test]
    async fn a_directory_write_is_one_writer_per_partition_and_a_file_write_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = session(3);
        let to_dir = format!("{}/out/", dir.path().display());
        let plan = write_plan(&ctx, &to_dir).await;
        let shown = displayable(plan.as_ref()).indent(false).to_string();
        assert!(plan.is::<PartitionedSinkExec>(), "{shown}");
        assert!(!shown.contains("CoalescePartitionsExec"), "{shown}");
        assert!(!shown.contains("DataSinkExec"), "{shown}");

        let to_file = format!("{}/one.parquet", dir.path().display());
        let plan = write_plan(&ctx, &to_file).await;
        assert!(plan.is::<DataSinkExec>(), "{}", displayable(plan.as_ref()).indent(false));
    }

    #[tokio::test]
    async fn every_partition_writes_its_own_rows_and_nothing_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = session(3);
        let out = dir.path().join("out");
        let rows: Vec<String> = (0..300).map(|i| format!("({i})")).collect();
        // GROUP BY spreads the rows over the three partitions by hash.
        let sql = format!(
            "COPY (SELECT x FROM (VALUES {}) AS t(x) GROUP BY x) TO '{}/' STORED AS PARQUET",
            rows.join(","),
            out.display()
        );
        let df = ctx.sql(&sql).await.unwrap();
        let plan = df.create_physical_plan().await.unwrap();
        let partitions = plan.output_partitioning().partition_count();
        let counts = datafusion::physical_plan::collect(plan, ctx.task_ctx()).await.unwrap();
        let written: u64 = counts
            .iter()
            .map(|b| b.column(0).as_any().downcast_ref::<datafusion::arrow::array::UInt64Array>().unwrap().value(0))
            .sum();
        assert_eq!(written, 300);
        assert_eq!(partitions, 3);
        assert_eq!(counts.len(), partitions);
        assert!(counts.iter().all(|b| b.num_rows() == 1));
        let files = std::fs::read_dir(&out).unwrap().count();
        assert_eq!(files, partitions, "one file per partition");
        ctx.register_parquet("back", &format!("{}/", out.display()), Default::default()).await.unwrap();
        let back =
            ctx.sql("SELECT count(*), count(DISTINCT x), sum(x) FROM back").await.unwrap().collect().await.unwrap();
        let shown = datafusion::arrow::util::pretty::pretty_format_batches(&back).unwrap().to_string();
        assert!(shown.contains("| 300") && shown.contains("| 44850"), "{shown}");
    }

    #[tokio::test]
    async fn the_codec_carries_the_sink_and_leaves_other_nodes_to_ballista() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = session(2);
        let to_dir = format!("{}/out/", dir.path().display());
        let plan = write_plan(&ctx, &to_dir).await;
        let codec = SinkCodec::default();
        let bytes = physical_plan_to_bytes_with_extension_codec(plan.clone(), &codec).unwrap();
        let back = physical_plan_from_bytes_with_extension_codec(&bytes, &ctx.task_ctx(), &codec).unwrap();
        assert!(back.is::<PartitionedSinkExec>());
        assert_eq!(
            displayable(back.as_ref()).indent(true).to_string(),
            displayable(plan.as_ref()).indent(true).to_string()
        );
        // Bytes that are not ours go to Ballista's codec, which refuses what it does not know.
        let converter = datafusion_proto::physical_plan::DefaultPhysicalProtoConverter {};
        let err = codec.try_decode(b"not a plan", &[], &ctx.task_ctx(), &converter);
        assert!(err.is_err());
    }
}
